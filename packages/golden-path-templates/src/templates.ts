import {
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  DefaultNamespaceEntityPolicy,
} from '@backstage/catalog-model';
import {
  TemplateEntityV1beta3,
  templateEntityV1beta3Validator,
} from '@backstage/plugin-scaffolder-common';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yaml from 'yaml';

/**
 * The annotation every template declares its semver version in.
 *
 * @public
 */
export const TEMPLATE_VERSION_ANNOTATION = 'fernhill.io/template-version';
/**
 * Who owns the golden paths.
 *
 * @public
 */
export const TEMPLATE_OWNER = 'group:default/platform';

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * A template folder as the test command sees it.
 *
 * @public
 */
export interface GoldenPathTemplate {
  /** Folder name under templates/. */
  name: string;
  dir: string;
  entity: TemplateEntityV1beta3;
  /** Sample form values from test-values.yaml. */
  testValues: Record<string, unknown>;
}

/**
 * Lists the template folders (those with a template.yaml) under `templatesDir`.
 *
 * @public
 */
export async function listTemplateDirs(
  templatesDir: string,
): Promise<string[]> {
  const entries = await fs.readdir(templatesDir, { withFileTypes: true });
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const exists = await fs
      .stat(join(templatesDir, entry.name, 'template.yaml'))
      .then(() => true)
      .catch(() => false);
    if (exists) dirs.push(join(templatesDir, entry.name));
  }
  return dirs.sort();
}

/**
 * Reads a template folder: template.yaml and test-values.yaml, both parsed.
 *
 * @public
 */
export async function loadTemplate(dir: string): Promise<GoldenPathTemplate> {
  const name = dir.split(sep).pop()!;
  const entity = yaml.parse(
    await fs.readFile(join(dir, 'template.yaml'), 'utf8'),
  ) as TemplateEntityV1beta3;
  const testValuesFile = join(dir, 'test-values.yaml');
  const testValues = await fs
    .readFile(testValuesFile, 'utf8')
    .then(text => yaml.parse(text) ?? {})
    .catch(error => {
      if (error.code === 'ENOENT') {
        throw new Error(`${name}: test-values.yaml is missing`);
      }
      throw error;
    });
  return { name, dir, entity, testValues };
}

const entityPolicies = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

/**
 * Everything wrong with a template entity, as readable sentences (empty when it is fine): the
 * catalog's entity envelope and field formats, the scaffolder's v1beta3 template schema, and the
 * portal's own rules (version annotation, owner, tags, steps with ids and known shapes).
 *
 * @public
 */
export async function templateProblems(
  template: Pick<GoldenPathTemplate, 'name' | 'entity'>,
): Promise<string[]> {
  const problems: string[] = [];
  const { entity, name } = template;
  try {
    await entityPolicies.enforce(entity as Entity);
  } catch (error) {
    problems.push(`not a valid catalog entity: ${(error as Error).message}`);
  }
  try {
    if (!(await templateEntityV1beta3Validator.check(entity as Entity))) {
      problems.push('not a scaffolder.backstage.io/v1beta3 Template');
    }
  } catch (error) {
    problems.push(`not a valid v1beta3 Template: ${(error as Error).message}`);
  }
  if (problems.length) return problems;

  if (entity.metadata.name !== name) {
    problems.push(
      `metadata.name ${JSON.stringify(
        entity.metadata.name,
      )} differs from its folder ${JSON.stringify(name)}`,
    );
  }
  const version = entity.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION];
  if (!version || !SEMVER.test(version)) {
    problems.push(
      `metadata.annotations['${TEMPLATE_VERSION_ANNOTATION}'] must be a semver version such as "1.0.0", got ${JSON.stringify(
        version,
      )}`,
    );
  }
  if (!entity.metadata.tags?.length) problems.push('metadata.tags is empty');
  if (entity.spec.owner !== TEMPLATE_OWNER) {
    problems.push(
      `spec.owner must be ${TEMPLATE_OWNER}, got ${JSON.stringify(
        entity.spec.owner,
      )}`,
    );
  }
  const ids = new Set<string>();
  for (const [index, step] of entity.spec.steps.entries()) {
    if (!step.id) problems.push(`step ${index + 1} (${step.action}) has no id`);
    else if (ids.has(step.id))
      problems.push(`step id ${step.id} is used twice`);
    else ids.add(step.id);
  }
  return problems;
}

/**
 * The action ids a template's steps name, in order, without repeats.
 *
 * @public
 */
export function actionsOf(entity: TemplateEntityV1beta3): string[] {
  return [...new Set(entity.spec.steps.map(step => step.action))];
}

/**
 * Every file below `dir`, as paths relative to it with forward slashes.
 *
 * @public
 */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(current: string) {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile())
        files.push(relative(dir, path).split(sep).join('/'));
    }
  }
  await walk(dir);
  return files.sort();
}

/**
 * The template folder as the scaffolder's dry-run API takes it (`directoryContents`): every file
 * with its path relative to the folder, base64-encoded.
 *
 * @public
 */
export async function directoryContents(
  dir: string,
): Promise<Array<{ path: string; base64Content: string }>> {
  const files = await listFiles(dir);
  return Promise.all(
    files.map(async path => ({
      path,
      base64Content: (await fs.readFile(join(dir, path))).toString('base64'),
    })),
  );
}

/**
 * Writes dry-run output files (`directoryContents` of the response) below `targetDir`, refusing
 * paths that would leave it.
 *
 * @public
 */
export async function writeDirectoryContents(
  targetDir: string,
  contents: Array<{
    path: string;
    base64Content: string;
    executable?: boolean;
  }>,
): Promise<void> {
  for (const file of contents) {
    const target = join(targetDir, file.path);
    if (relative(targetDir, target).startsWith('..')) {
      throw new Error(`refusing to write outside ${targetDir}: ${file.path}`);
    }
    await fs.mkdir(join(target, '..'), { recursive: true });
    await fs.writeFile(target, Buffer.from(file.base64Content, 'base64'), {
      mode: file.executable ? 0o755 : 0o644,
    });
  }
}
