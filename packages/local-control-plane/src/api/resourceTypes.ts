import { isObject, JsonObject, KubeObject } from './objects';
import { StructuralSchema } from './schemaValidation';

/** A printer column (CRD additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** One served group/version/resource. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  statusSubresource: boolean;
  /** OpenAPI v3 schema objects are validated against; absent for built-in kinds. */
  schema?: StructuralSchema;
  printerColumns: PrinterColumn[];
  /** Field selector paths beyond metadata.name/namespace (a CRD version's selectableFields). */
  selectableFields?: string[];
  /** Served from a CustomResourceDefinition (no strategic merge patch, no unconditional update). */
  custom?: boolean;
  /** The verbs served, when not the usual set (the create-only review kinds). */
  verbs?: string[];
}

function builtIn(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
): ResourceType {
  return {
    group,
    version,
    resource,
    kind,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories: [],
    statusSubresource: false,
    printerColumns: [],
  };
}

/** The built-in kinds the control plane serves without a CRD. */
export const BUILT_IN_TYPES: ResourceType[] = [
  builtIn('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  builtIn('', 'v1', 'secrets', 'Secret', true),
  builtIn('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  builtIn('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']),
  builtIn('', 'v1', 'events', 'Event', true, ['ev']),
  {
    ...builtIn(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
      'CustomResourceDefinition',
      false,
      ['crd', 'crds'],
    ),
    statusSubresource: true,
  },
  // Workload kinds the Backstage Kubernetes plugin reads; nothing runs them, so lists are empty
  // unless someone applies objects, but the plugin gets answers instead of 404s.
  builtIn('', 'v1', 'pods', 'Pod', true, ['po']),
  builtIn('', 'v1', 'services', 'Service', true, ['svc']),
  builtIn('', 'v1', 'limitranges', 'LimitRange', true, ['limits']),
  builtIn('', 'v1', 'resourcequotas', 'ResourceQuota', true, ['quota']),
  builtIn('apps', 'v1', 'deployments', 'Deployment', true, ['deploy']),
  builtIn('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs']),
  builtIn('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts']),
  builtIn('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']),
  builtIn('batch', 'v1', 'jobs', 'Job', true),
  builtIn('batch', 'v1', 'cronjobs', 'CronJob', true, ['cj']),
  builtIn('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']),
  builtIn(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    ['hpa'],
  ),
  builtIn('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  builtIn(
    'rbac.authorization.k8s.io',
    'v1',
    'rolebindings',
    'RoleBinding',
    true,
  ),
  builtIn(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterroles',
    'ClusterRole',
    false,
  ),
  builtIn(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    false,
  ),
  // Create-only, never stored: answered by src/auth/reviews.ts.
  ...(
    [
      [
        'authorization.k8s.io',
        'v1',
        'selfsubjectaccessreviews',
        'SelfSubjectAccessReview',
      ],
      [
        'authorization.k8s.io',
        'v1',
        'selfsubjectrulesreviews',
        'SelfSubjectRulesReview',
      ],
      [
        'authentication.k8s.io',
        'v1',
        'selfsubjectreviews',
        'SelfSubjectReview',
      ],
    ] as const
  ).map(([g, v, resource, kind]) => ({
    ...builtIn(g, v, resource, kind, false),
    verbs: ['create'],
  })),
];

/** The served versions of a CustomResourceDefinition object as resource types. */
export function resourceTypesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec as JsonObject;
  const names = spec.names as JsonObject;
  const versions = (spec.versions as JsonObject[]) ?? [];
  return versions
    .filter(v => v.served !== false)
    .map(v => {
      const schema = isObject(v.schema)
        ? (v.schema.openAPIV3Schema as StructuralSchema)
        : undefined;
      return {
        group: String(spec.group),
        version: String(v.name),
        resource: String(names.plural),
        kind: String(names.kind),
        listKind: String(names.listKind ?? `${names.kind}List`),
        singular: String(names.singular ?? String(names.kind).toLowerCase()),
        namespaced: spec.scope !== 'Cluster',
        shortNames: (names.shortNames as string[]) ?? [],
        categories: (names.categories as string[]) ?? [],
        statusSubresource:
          isObject(v.subresources) && v.subresources.status !== undefined,
        schema,
        printerColumns: ((v.additionalPrinterColumns as unknown[]) ??
          []) as PrinterColumn[],
        custom: true,
        selectableFields: ((v.selectableFields as JsonObject[]) ?? []).map(
          field => String(field.jsonPath).replace(/^\./, ''),
        ),
      };
    });
}

/**
 * The set of served resource types: built-ins plus every established CRD. The storage key of an object
 * is group + resource, so all versions of a CRD share their objects.
 */
export class ResourceTypeRegistry {
  private readonly types = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, ResourceType[]>();

  constructor() {
    for (const t of BUILT_IN_TYPES) this.add(t);
  }

  private static key(group: string, version: string, resource: string) {
    return `${group}/${version}/${resource}`;
  }

  private add(t: ResourceType) {
    this.types.set(ResourceTypeRegistry.key(t.group, t.version, t.resource), t);
  }

  /** Registers (or re-registers) the versions of a CRD. */
  registerCrd(crd: KubeObject): ResourceType[] {
    this.unregisterCrd(crd.metadata.name!);
    const types = resourceTypesFromCrd(crd);
    for (const t of types) this.add(t);
    this.crdTypes.set(crd.metadata.name!, types);
    return types;
  }

  unregisterCrd(name: string) {
    for (const t of this.crdTypes.get(name) ?? []) {
      this.types.delete(
        ResourceTypeRegistry.key(t.group, t.version, t.resource),
      );
    }
    this.crdTypes.delete(name);
  }

  lookup(group: string, version: string, resource: string) {
    return this.types.get(ResourceTypeRegistry.key(group, version, resource));
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/')
      : ['', apiVersion];
    return [...this.types.values()].find(
      t => t.group === group && t.version === version && t.kind === kind,
    );
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }
}

/** Evaluates the JSONPath subset printer columns use: `.a.b` and `.a[?(@.k=='v')].b`. */
export function evaluateJsonPath(obj: unknown, jsonPath: string): unknown {
  const tokens =
    jsonPath.match(/\.[^.[\]]+|\[\?\(@\.[^=]+==['"][^'"]*['"]\)\]|\[\d+\]/g) ??
    [];
  let current: unknown = obj;
  for (const token of tokens) {
    if (current === undefined || current === null) return undefined;
    if (token.startsWith('[?')) {
      const m = token.match(/\[\?\(@\.([^=]+)==['"]([^'"]*)['"]\)\]/)!;
      current = Array.isArray(current)
        ? current.find(item => isObject(item) && String(item[m[1]]) === m[2])
        : undefined;
    } else if (token.startsWith('[')) {
      current = Array.isArray(current)
        ? current[Number(token.slice(1, -1))]
        : undefined;
    } else {
      current = isObject(current) ? current[token.slice(1)] : undefined;
    }
  }
  return current;
}
