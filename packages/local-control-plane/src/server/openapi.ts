import { createHash } from 'node:crypto';
import { ResourceType } from '../api/resourceTypes';

/** The discovery key of a group/version in /openapi/v3, e.g. `apis/platform.fernhill.io/v1alpha1`. */
export function openApiKey(t: { group: string; version: string }): string {
  return t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
}

const WRITE_PARAMETERS = [
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'force',
].map(name => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string' },
  uniqueItems: true,
}));

function schemaName(t: ResourceType): string {
  const reversed = (t.group || 'io.k8s.api.core')
    .split('.')
    .reverse()
    .join('.');
  return `${reversed}.${t.version}.${t.kind}`;
}

/**
 * The OpenAPI v3 document of one group/version. kubectl reads it to learn that the server validates
 * fields itself (the `fieldValidation` parameter on PATCH), and to find the schemas of custom kinds.
 */
export function openApiDocument(types: ResourceType[]) {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const prefix = `/${openApiKey(t)}${
      t.namespaced ? '/namespaces/{namespace}' : ''
    }/${t.resource}`;
    const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
    const operation = (action: string, withBody: boolean) => ({
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: withBody ? WRITE_PARAMETERS : [],
      ...(withBody
        ? { requestBody: { content: { '*/*': { schema: ref } } } }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: ref } },
        },
      },
    });
    paths[prefix] = {
      get: operation('list', false),
      post: operation('post', true),
    };
    paths[`${prefix}/{name}`] = {
      get: operation('get', false),
      put: operation('put', true),
      patch: operation('patch', true),
      delete: operation('delete', false),
    };
    if (t.statusSubresource) {
      paths[`${prefix}/{name}/status`] = {
        get: operation('get', false),
        put: operation('put', true),
        patch: operation('patch', true),
      };
    }
    schemas[schemaName(t)] = {
      ...(t.schema ?? {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      }),
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0+local-control-plane' },
    paths,
    components: { schemas },
  };
}

/** GET /openapi/v3: where each group/version's document lives (hash-busted when types change). */
export function openApiIndex(types: ResourceType[]) {
  const byKey = new Map<string, ResourceType[]>();
  for (const t of types) {
    const key = openApiKey(t);
    byKey.set(key, [...(byKey.get(key) ?? []), t]);
  }
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, list] of byKey) {
    const hash = createHash('sha256')
      .update(JSON.stringify(openApiDocument(list)))
      .digest('hex')
      .slice(0, 32)
      .toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}
