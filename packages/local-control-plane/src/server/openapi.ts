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

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const str = (description: string) => ({ type: 'string', description });
const stringMap = (description: string) => ({
  type: 'object',
  additionalProperties: { type: 'string', default: '' },
  description,
});

/**
 * ObjectMeta as kubectl explain shows it (descriptions abridged from k8s.io/apimachinery's
 * meta/v1 types, which the OpenAPI of every kube-apiserver carries).
 */
const OBJECT_META_SCHEMA = {
  type: 'object',
  description:
    'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  properties: {
    name: str(
      'Name must be unique within a namespace. Is required when creating resources. Cannot be updated.',
    ),
    generateName: str(
      'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
    ),
    namespace: str(
      'Namespace defines the space within which each name must be unique. Cannot be updated.',
    ),
    uid: str(
      'UID is the unique in time and space value for this object. Populated by the system. Read-only.',
    ),
    resourceVersion: str(
      'An opaque value that represents the internal version of this object, used for optimistic concurrency and watches. Populated by the system. Read-only.',
    ),
    generation: {
      type: 'integer',
      format: 'int64',
      description:
        'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.',
    },
    creationTimestamp: {
      type: 'string',
      format: 'date-time',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.',
    },
    deletionTimestamp: {
      type: 'string',
      format: 'date-time',
      description:
        'DeletionTimestamp is the time after which this resource will be deleted, set by the server when a graceful deletion is requested. Read-only.',
    },
    labels: stringMap(
      'Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels',
    ),
    annotations: stringMap(
      'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations',
    ),
    finalizers: {
      type: 'array',
      items: { type: 'string', default: '' },
      description:
        'Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.',
    },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: str('API version of the referent.'),
          kind: str('Kind of the referent.'),
          name: str('Name of the referent.'),
          uid: str('UID of the referent.'),
          controller: {
            type: 'boolean',
            description:
              'If true, this reference points to the managing controller.',
          },
          blockOwnerDeletion: {
            type: 'boolean',
            description:
              'If true, and if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.',
          },
        },
      },
      description:
        'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.',
    },
    managedFields: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      description:
        'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
    },
  },
};

/** The published schema of a kind: apiVersion, kind and metadata, then its own fields. */
function kindSchema(t: ResourceType, refPrefix: string) {
  const own = (t.schema ?? {}) as Record<string, unknown>;
  const ownProperties = (own.properties ?? {}) as Record<string, unknown>;
  const { apiVersion: _a, kind: _k, metadata: _m, ...fields } = ownProperties;
  return {
    ...own,
    type: 'object',
    ...(t.schema ? {} : { 'x-kubernetes-preserve-unknown-fields': true }),
    properties: {
      apiVersion: str(
        'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
      ),
      kind: str(
        'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      ),
      metadata: {
        allOf: [{ $ref: `${refPrefix}${OBJECT_META}` }],
        default: {},
        description:
          "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      },
      ...fields,
    },
    'x-kubernetes-group-version-kind': [
      { group: t.group, version: t.version, kind: t.kind },
    ],
  };
}

interface Operations {
  paths: Record<string, Record<string, unknown>>;
  schemas: Record<string, unknown>;
}

/** Paths and schemas of some types; `describe` renders one operation for OpenAPI v2 or v3. */
function operations(
  types: ResourceType[],
  refPrefix: string,
  describe: (
    t: ResourceType,
    action: string,
    withBody: boolean,
    ref: { $ref: string },
  ) => unknown,
): Operations {
  const paths: Operations['paths'] = {};
  const schemas: Operations['schemas'] = {
    [OBJECT_META]: OBJECT_META_SCHEMA,
  };
  for (const t of types) {
    const prefix = `/${openApiKey(t)}${
      t.namespaced ? '/namespaces/{namespace}' : ''
    }/${t.resource}`;
    const ref = { $ref: `${refPrefix}${schemaName(t)}` };
    const op = (action: string, withBody: boolean) =>
      describe(t, action, withBody, ref);
    paths[prefix] = { get: op('list', false), post: op('post', true) };
    paths[`${prefix}/{name}`] = {
      get: op('get', false),
      put: op('put', true),
      patch: op('patch', true),
      delete: op('delete', false),
    };
    if (t.statusSubresource) {
      paths[`${prefix}/{name}/status`] = {
        get: op('get', false),
        put: op('put', true),
        patch: op('patch', true),
      };
    }
    schemas[schemaName(t)] = kindSchema(t, refPrefix);
  }
  return { paths, schemas };
}

/**
 * The OpenAPI v3 document of one group/version. kubectl reads it to learn that the server validates
 * fields itself (the `fieldValidation` parameter on PATCH), to find the schemas of custom kinds,
 * and for `kubectl explain`.
 */
export function openApiDocument(types: ResourceType[]) {
  const { paths, schemas } = operations(
    types,
    '#/components/schemas/',
    (t, action, withBody, ref) => ({
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': {
        group: t.group,
        version: t.version,
        kind: t.kind,
      },
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
    }),
  );
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0+local-control-plane' },
    paths,
    components: { schemas },
  };
}

/**
 * GET /openapi/v2: one Swagger 2.0 document for every served type, in JSON (kube-apiserver also
 * offers it as protobuf, which this server does not; clients that ask for protobuf only get JSON).
 */
export function openApiV2Document(types: ResourceType[]) {
  const { paths, schemas } = operations(
    types,
    '#/definitions/',
    (t, action, withBody, ref) => ({
      operationId: `${action}${t.kind}`,
      consumes: ['*/*'],
      produces: ['application/json', 'application/yaml'],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': {
        group: t.group,
        version: t.version,
        kind: t.kind,
      },
      parameters: [
        ...(withBody
          ? WRITE_PARAMETERS.map(p => ({
              name: p.name,
              in: 'query',
              type: p.schema.type,
              uniqueItems: true,
            }))
          : []),
        ...(withBody
          ? [{ name: 'body', in: 'body', required: true, schema: ref }]
          : []),
      ],
      responses: { '200': { description: 'OK', schema: ref } },
    }),
  );
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0+local-control-plane' },
    paths,
    definitions: schemas,
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
