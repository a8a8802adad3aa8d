import { clone, isObject, JsonObject, KubeObject } from '../api/objects';
import { PrinterColumn } from '../api/resourceTypes';

/** Finalizer the XRD controller puts on CRDs it owns; here only a label marks them. */
export const XRD_LABEL = 'crossplane.io/xrd';

const conditionSchema = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: { type: 'string' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string' },
    observedGeneration: { type: 'integer' },
  },
};

/** What Crossplane v2 adds to every XR's spec (spec.crossplane) and status. */
const crossplaneSpecSchema = {
  type: 'object',
  properties: {
    compositionRef: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' } },
    },
    compositionSelector: {
      type: 'object',
      required: ['matchLabels'],
      properties: {
        matchLabels: {
          type: 'object',
          additionalProperties: { type: 'string' },
        },
      },
    },
    compositionRevisionRef: {
      type: 'object',
      properties: { name: { type: 'string' } },
    },
    compositionRevisionSelector: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'] },
    resourceRefs: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
};

const crossplaneColumns: PrinterColumn[] = [
  {
    name: 'SYNCED',
    type: 'string',
    jsonPath: ".status.conditions[?(@.type=='Synced')].status",
  },
  {
    name: 'READY',
    type: 'string',
    jsonPath: ".status.conditions[?(@.type=='Ready')].status",
  },
  {
    name: 'COMPOSITION',
    type: 'string',
    jsonPath: '.spec.crossplane.compositionRef.name',
  },
];

function augmentSchema(schema: JsonObject): JsonObject {
  const out = clone(schema);
  out.type = 'object';
  const props = (isObject(out.properties) ? out.properties : {}) as JsonObject;
  out.properties = props;
  const spec = (
    isObject(props.spec) ? props.spec : { type: 'object' }
  ) as JsonObject;
  spec.properties = {
    ...(isObject(spec.properties) ? spec.properties : {}),
    crossplane: crossplaneSpecSchema,
  };
  props.spec = spec;
  const status = (
    isObject(props.status) ? props.status : { type: 'object' }
  ) as JsonObject;
  status.properties = {
    ...(isObject(status.properties) ? status.properties : {}),
    conditions: { type: 'array', items: conditionSchema },
    crossplane: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
  };
  props.status = status;
  return out;
}

/**
 * The CRD Crossplane v2 generates from a CompositeResourceDefinition: the XRD's schema plus
 * spec.crossplane, status.conditions, the SYNCED/READY/COMPOSITION columns and a status subresource.
 *
 * @public
 */
export function xrdToCrd(xrd: KubeObject): KubeObject {
  const spec = xrd.spec as JsonObject;
  const names = clone(spec.names) as JsonObject;
  names.listKind = names.listKind ?? `${names.kind}List`;
  names.singular = names.singular ?? String(names.kind).toLowerCase();
  const categories = new Set([
    ...((names.categories as string[]) ?? []),
    'composite',
  ]);
  names.categories = [...categories];
  const versions = (spec.versions as JsonObject[]).map(v => ({
    name: v.name,
    served: v.served !== false,
    storage: v.referenceable === true,
    subresources: { status: {} },
    additionalPrinterColumns: [
      ...crossplaneColumns,
      ...((v.additionalPrinterColumns as JsonObject[]) ?? []),
      { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    schema: {
      openAPIV3Schema: augmentSchema(
        ((v.schema as JsonObject)?.openAPIV3Schema as JsonObject) ?? {},
      ),
    },
  }));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: xrd.metadata.name,
      labels: { [XRD_LABEL]: xrd.metadata.name! },
      ...(xrd.metadata.uid
        ? {
            ownerReferences: [
              {
                apiVersion: xrd.apiVersion,
                kind: xrd.kind,
                name: xrd.metadata.name!,
                uid: xrd.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      group: spec.group,
      names,
      // Crossplane v2 XRDs default to Namespaced.
      scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
      versions,
    },
  };
}

function preserveUnknownCrd(
  group: string,
  kind: string,
  plural: string,
  versions: string[],
  shortNames: string[] = [],
  statusSubresource = false,
  scope: 'Cluster' | 'Namespaced' = 'Cluster',
  categories: string[] = ['crossplane'],
): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        shortNames,
        categories,
      },
      scope,
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === versions.length - 1,
        ...(statusSubresource ? { subresources: { status: {} } } : {}),
        schema: {
          openAPIV3Schema: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
      })),
    },
  };
}

/**
 * provider-sql's namespaced PostgreSQL managed resources, which the shared-server Composition
 * composes (schemas left open: the Composition tests check the fields against the provider's API).
 */
const providerSqlCrd = (kind: string, plural: string) =>
  preserveUnknownCrd(
    'postgresql.sql.m.crossplane.io',
    kind,
    plural,
    ['v1alpha1'],
    [],
    true,
    'Namespaced',
    ['crossplane', 'managed', 'sql'],
  );

/** The Crossplane CRDs needed to `kubectl apply -f crossplane/` against the local control plane. */
export const CROSSPLANE_CRDS: KubeObject[] = [
  providerSqlCrd('Role', 'roles'),
  providerSqlCrd('Database', 'databases'),
  providerSqlCrd('Grant', 'grants'),
  preserveUnknownCrd(
    'protection.crossplane.io',
    'Usage',
    'usages',
    ['v1beta1'],
    [],
    true,
    'Namespaced',
  ),
  preserveUnknownCrd(
    'apiextensions.crossplane.io',
    'CompositeResourceDefinition',
    'compositeresourcedefinitions',
    ['v1', 'v2'],
    ['xrd', 'xrds'],
    true,
  ),
  preserveUnknownCrd(
    'apiextensions.crossplane.io',
    'Composition',
    'compositions',
    ['v1'],
    ['comp'],
  ),
  preserveUnknownCrd(
    'apiextensions.crossplane.io',
    'EnvironmentConfig',
    'environmentconfigs',
    ['v1beta1'],
    ['envcfg'],
  ),
  preserveUnknownCrd(
    'pkg.crossplane.io',
    'Function',
    'functions',
    ['v1'],
    [],
    true,
  ),
  preserveUnknownCrd(
    'pkg.crossplane.io',
    'Provider',
    'providers',
    ['v1'],
    [],
    true,
  ),
];
