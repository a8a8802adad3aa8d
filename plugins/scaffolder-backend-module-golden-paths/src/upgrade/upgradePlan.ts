import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { normalizeEntityRef } from '@internal/plugin-portal-node';
import { isDeepStrictEqual } from 'node:util';
import yaml from 'yaml';
import { annotateCatalogInfo, PROVENANCE_ANNOTATIONS } from '../provenance';

/** What a component recorded about the golden path it was created from. */
export interface UpgradeSource {
  entityRef: string;
  templateRef: string;
  recordedVersion: string;
  inputs: JsonObject;
}

/**
 * Reads the provenance `portal:provenance:record` wrote into a component; InputError naming the
 * annotation when one is missing or malformed (a component not created by a golden path).
 */
export function readUpgradeSource(entity: Entity): UpgradeSource {
  const annotations = entity.metadata.annotations ?? {};
  const entityRef = stringifyEntityRef(entity);
  const missing = (annotation: string) =>
    new InputError(
      `${entityRef} has no ${annotation} annotation: only components created by a golden path (which records its provenance) can be upgraded`,
    );
  const template = annotations[PROVENANCE_ANNOTATIONS.sourceTemplate];
  if (!template) throw missing(PROVENANCE_ANNOTATIONS.sourceTemplate);
  const recordedVersion = annotations[PROVENANCE_ANNOTATIONS.templateVersion];
  if (!recordedVersion) throw missing(PROVENANCE_ANNOTATIONS.templateVersion);
  const recorded = annotations[PROVENANCE_ANNOTATIONS.templateInputs];
  if (!recorded) throw missing(PROVENANCE_ANNOTATIONS.templateInputs);
  let inputs: unknown;
  try {
    inputs = JSON.parse(recorded);
  } catch {
    inputs = undefined;
  }
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new InputError(
      `${entityRef} has a ${PROVENANCE_ANNOTATIONS.templateInputs} annotation that is not a JSON object`,
    );
  }
  const templateRef = normalizeEntityRef(template.trim(), {
    defaultKind: 'template',
  });
  if (!templateRef) {
    throw new InputError(
      `${entityRef} has a ${
        PROVENANCE_ANNOTATIONS.sourceTemplate
      } annotation that is not an entity ref (${JSON.stringify(
        template.slice(0, 200),
      )}): expected template:namespace/name, e.g. template:default/typescript-service`,
    );
  }
  return {
    entityRef,
    templateRef,
    recordedVersion: recordedVersion.trim(),
    inputs: inputs as JsonObject,
  };
}

const SEMVER_CORE = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/;

/**
 * Orders semver versions (major, minor, patch; a pre-release before its release). The adoption
 * backend orders recorded versions the same way (`compareVersions` in its domain/coverage.ts).
 */
export function compareTemplateVersions(a: string, b: string): number {
  const [ma, mb] = [SEMVER_CORE.exec(a.trim()), SEMVER_CORE.exec(b.trim())];
  if (!ma || !mb) return a.trim().localeCompare(b.trim(), 'en-US');
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d;
  }
  if (ma[4] === mb[4]) return 0;
  if (!ma[4]) return 1;
  if (!mb[4]) return -1;
  return ma[4].localeCompare(mb[4], 'en-US', { numeric: true });
}

/** The branch an upgrade is proposed on (the local Git host takes single-segment branch names). */
export function upgradeBranchName(version: string): string {
  return `golden-path-${version.trim().replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

/**
 * Steps that only shape the workspace: everything a template does before it creates something
 * (databases, repositories, catalog entries, events, notifications) is rendering, and these are
 * the actions the golden paths render with.
 */
const RENDERING_ACTIONS = new Set([
  'portal:name:ensure-available',
  'fetch:template',
  'fetch:plain',
  'fetch:plain:file',
  'fetch:template:file',
  'fs:delete',
  'fs:rename',
  'portal:provenance:record',
]);

type TemplateStep = JsonObject & { action: string; input?: JsonObject };

/**
 * The template reduced to its rendering steps, for a scaffolder dry run that re-renders a
 * component: the name check is told the name is the existing component's, and the template's
 * output (links to the published repository) is dropped.
 */
export function renderingTemplate(template: Entity): Entity {
  const spec = (template.spec ?? {}) as { steps?: TemplateStep[] };
  const steps = (spec.steps ?? [])
    .filter(step => RENDERING_ACTIONS.has(step.action))
    .map(step =>
      step.action === 'portal:name:ensure-available'
        ? { ...step, input: { ...step.input, existing: true } }
        : step,
    );
  if (!steps.some(s => s.action.startsWith('fetch:'))) {
    throw new InputError(
      `${stringifyEntityRef(
        template,
      )} renders no skeleton (no fetch:template step), so there is nothing to upgrade`,
    );
  }
  return {
    ...template,
    spec: { ...template.spec, steps, output: {} },
  };
}

/**
 * Where the template's files are, as the scaffolder finds them: its source location, else the
 * location it was read from; `file:` locations become file URLs. Mirrors `getEntityBaseUrl` of
 * @backstage/plugin-scaffolder-backend (src/service/helpers.ts).
 */
export function templateBaseUrl(template: Entity): string {
  const annotations = template.metadata.annotations ?? {};
  const location =
    annotations[ANNOTATION_SOURCE_LOCATION] ?? annotations[ANNOTATION_LOCATION];
  if (location) {
    const { type, target } = parseLocationRef(location);
    if (type === 'url') return target;
    if (type === 'file') return `file://${target}`;
  }
  throw new InputError(
    `${stringifyEntityRef(
      template,
    )} has no url or file location, so its skeleton cannot be read`,
  );
}

/**
 * One file of a rendered workspace or a proposal.
 *
 * @public
 */
export interface UpgradeFile {
  path: string;
  content: Buffer;
  executable?: boolean;
}

/** Files generated once and then owned by the service, which an upgrade keeps as they are. */
const SERVICE_OWNED = new Set(['go.sum', 'package-lock.json', 'yarn.lock']);
/** Per-environment chart values whose image tag CI writes (deploy-staging, promote-production). */
const ENVIRONMENT_VALUES = /^chart\/values-[^/]+\.ya?ml$/;

/**
 * The files an upgrade proposes: the re-rendered files that differ from the repository's, where
 * what the service owns is kept: its catalog-info.yaml (only the template version is moved
 * forward, so the component no longer counts as behind once merged), lockfiles and go.sum, and
 * the image tag CI wrote into each environment's chart values.
 */
export async function proposedFiles(options: {
  rendered: UpgradeFile[];
  /** Reads a file of the repository's default branch; undefined when absent. */
  readExisting: (path: string) => Promise<Buffer | undefined>;
  toVersion: string;
}): Promise<UpgradeFile[]> {
  const result: UpgradeFile[] = [];
  for (const file of options.rendered) {
    if (SERVICE_OWNED.has(file.path)) continue;
    const existing = await options.readExisting(file.path);
    let content = file.content;
    if (file.path === 'catalog-info.yaml') {
      if (!existing) continue;
      content = Buffer.from(
        annotateCatalogInfo(existing.toString('utf8'), {
          [PROVENANCE_ANNOTATIONS.templateVersion]: options.toVersion,
        }),
      );
    } else if (existing && ENVIRONMENT_VALUES.test(file.path)) {
      content = keepImageTag(file.content, existing);
    }
    if (existing && existing.equals(content)) continue;
    result.push({ ...file, content });
  }
  return result.sort((a, b) => a.path.localeCompare(b.path, 'en-US'));
}

/** A commit of the component's repository, oldest first as `LocalGitRepositories.log` lists them. */
export interface RepositoryCommit {
  commit: string;
  parents: string[];
  subject: string;
}

/**
 * Where the golden path last wrote each file of the repository: the commit that created it
 * (`portal:publish`'s "Initial commit from <template>") and the merged upgrades ("Upgrade to
 * <template> <version>", this action's own commits) play back in order, each setting the paths
 * it wrote and dropping those it removed. What they do not mention (a developer's files, and
 * everything when the repository was not created by this template) is not the template's.
 * Mirrors the old render cruft and copier keep: the files themselves are the record, since the
 * catalog only has the template's current version.
 */
export async function templateWrittenFiles(options: {
  templateRef: string;
  history: RepositoryCommit[];
  /** Files of a commit's tree. */
  listFiles: (commit: string) => Promise<string[]>;
  /** Paths that differ between two commits (written or removed). */
  changedPaths: (from: string, to: string) => Promise<string[]>;
}): Promise<Map<string, string>> {
  const { templateRef, history } = options;
  const written = new Map<string, string>();
  const created = history.find(c => c.parents.length === 0);
  if (!created || created.subject !== `Initial commit from ${templateRef}`) {
    return written;
  }
  for (const path of await options.listFiles(created.commit)) {
    written.set(path, created.commit);
  }
  const upgrade = `Upgrade to ${templateRef} `;
  for (const { commit, parents, subject } of history) {
    if (!subject.startsWith(upgrade) || parents.length === 0) continue;
    // A path it removed is looked up at this commit, finds nothing and so counts as not written.
    for (const path of await options.changedPaths(parents[0], commit)) {
      written.set(path, commit);
    }
  }
  return written;
}

/**
 * The files the golden path wrote that its new version no longer renders: `removed` when the
 * repository still has them exactly as written (CI's image tag in environment values aside),
 * `kept` when someone changed them since, which the upgrade leaves to the owners. The service's
 * own files (catalog-info.yaml, lockfiles, go.sum) are never removed; files the template never
 * wrote are not considered at all.
 */
export async function droppedFiles(options: {
  rendered: UpgradeFile[];
  /** Path to the commit the golden path last wrote it in (`templateWrittenFiles`). */
  written: Map<string, string>;
  /** Reads a file of the repository's default branch; undefined when absent. */
  readExisting: (path: string) => Promise<Buffer | undefined>;
  /** Reads a file at a commit; undefined when absent. */
  readWritten: (commit: string, path: string) => Promise<Buffer | undefined>;
}): Promise<{ removed: string[]; kept: string[] }> {
  const renderedPaths = new Set(options.rendered.map(f => f.path));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const [path, commit] of options.written) {
    if (renderedPaths.has(path) || SERVICE_OWNED.has(path)) continue;
    if (path === 'catalog-info.yaml') continue;
    const existing = await options.readExisting(path);
    if (!existing) continue;
    const asWritten = await options.readWritten(commit, path);
    if (!asWritten) continue;
    if (unchangedSinceWritten(path, asWritten, existing)) removed.push(path);
    else kept.push(path);
  }
  const byPath = (a: string, b: string) => a.localeCompare(b, 'en-US');
  return { removed: removed.sort(byPath), kept: kept.sort(byPath) };
}

function unchangedSinceWritten(
  path: string,
  written: Buffer,
  existing: Buffer,
): boolean {
  if (written.equals(existing)) return true;
  if (!ENVIRONMENT_VALUES.test(path)) return false;
  // CI writes the deployed image tag into environment values; that is not an edit.
  try {
    const [before, now] = [written, existing].map(b =>
      yaml.parse(b.toString('utf8')),
    );
    const tag = now?.image?.tag;
    if (before?.image && typeof tag === 'string') before.image.tag = tag;
    return isDeepStrictEqual(before, now);
  } catch {
    return false;
  }
}

/** The rendered values with the image tag of the existing values, when it has one. */
function keepImageTag(rendered: Buffer, existing: Buffer): Buffer {
  let tag: unknown;
  try {
    tag = yaml.parse(existing.toString('utf8'))?.image?.tag;
  } catch {
    return rendered;
  }
  if (typeof tag !== 'string' || tag === '') return rendered;
  const document = yaml.parseDocument(rendered.toString('utf8'));
  if (document.errors.length > 0) return rendered;
  document.setIn(['image', 'tag'], tag);
  return Buffer.from(document.toString());
}
