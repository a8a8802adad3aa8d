import { InputError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/types';
import yaml from 'yaml';

/**
 * Annotation names of the provenance contract (templates carry them, dashboards read them).
 *
 * @public
 */
export const PROVENANCE_ANNOTATIONS = {
  sourceTemplate: 'backstage.io/source-template',
  templateVersion: 'fernhill.io/template-version',
  templateInputs: 'fernhill.io/template-inputs',
  createdAt: 'fernhill.io/created-at',
  taskId: 'fernhill.io/scaffolder-task-id',
} as const;

/** Keys whose values are never recorded. */
const SECRET_KEY = /secret|token|password|key/i;

/**
 * The inputs without anything that looks secret: keys matching secret, token, password or key
 * (case-insensitive) are dropped at every depth.
 */
export function withoutSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value !== null && typeof value === 'object') {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_KEY.test(key) || inner === undefined) continue;
      result[key] = withoutSecrets(inner);
    }
    return result;
  }
  return value;
}

/** The provenance annotations for one scaffolder run. */
export function buildProvenanceAnnotations(options: {
  templateRef?: string;
  templateVersion?: string;
  inputs: JsonObject;
  createdAt: string;
  taskId: string;
}): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (options.templateRef) {
    annotations[PROVENANCE_ANNOTATIONS.sourceTemplate] = options.templateRef;
  }
  if (options.templateVersion) {
    annotations[PROVENANCE_ANNOTATIONS.templateVersion] =
      options.templateVersion;
  }
  annotations[PROVENANCE_ANNOTATIONS.templateInputs] = JSON.stringify(
    withoutSecrets(options.inputs),
  );
  annotations[PROVENANCE_ANNOTATIONS.createdAt] = options.createdAt;
  annotations[PROVENANCE_ANNOTATIONS.taskId] = options.taskId;
  return annotations;
}

/**
 * Adds annotations to every entity document of a catalog-info.yaml (keeping comments and
 * layout), replacing earlier values of the same annotations.
 */
export function annotateCatalogInfo(
  source: string,
  annotations: Record<string, string>,
  fileName: string = 'catalog-info.yaml',
): string {
  const documents = yaml.parseAllDocuments(source);
  let entities = 0;
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new InputError(
        `${fileName} is not valid YAML: ${document.errors[0].message}`,
      );
    }
    const kind = document.get('kind');
    if (typeof kind !== 'string' || !document.has('metadata')) continue;
    entities += 1;
    for (const [name, value] of Object.entries(annotations)) {
      document.setIn(['metadata', 'annotations', name], value);
    }
  }
  if (entities === 0) {
    throw new InputError(
      `${fileName} contains no catalog entity (kind and metadata)`,
    );
  }
  return documents.map(d => d.toString()).join('');
}
