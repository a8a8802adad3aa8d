import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import { databaseEntityName } from '@internal/plugin-crossplane-common';
import {
  COMPONENT_REF_ANNOTATION,
  PostgresInstanceObject,
  explainNotReady,
} from '@internal/plugin-crossplane-node';

/** Annotations that carry a database's live status on its Resource entity. @public */
export const DATABASE_ANNOTATIONS = {
  /** `apiVersion/kind/namespace/name` of the XR. */
  xr: 'fernhill.io/crossplane-xr',
  /** `true` when the XR is Ready. */
  ready: 'fernhill.io/database-ready',
  /** `Ready`, `Provisioning` or `Failing`. */
  status: 'fernhill.io/database-status',
  /** One line: every condition as `Type=Status (Reason)`, and why it is not Ready. */
  conditions: 'fernhill.io/database-conditions',
  size: 'fernhill.io/database-size',
  environment: 'fernhill.io/database-environment',
  region: 'fernhill.io/database-region',
  /** The connection Secret's name (never its data) and its namespace. */
  secretName: 'fernhill.io/database-secret-name',
  namespace: 'backstage.io/kubernetes-namespace',
} as const;

/**
 * What a mapping needs besides the XR itself.
 *
 * @public
 */
export interface DatabaseEntityContext {
  /** The cluster's API URL, for the location annotations. */
  clusterUrl: string;
  /** The system of a component (by its entity ref), where the catalog knows it. */
  systemOf: (componentRef: string) => string | undefined;
}

const MAX_ANNOTATION = 1024;
const TAG = /^[a-z0-9:+#]{1,63}$/;

function conditionsSummary(xr: PostgresInstanceObject): string {
  const conditions = xr.status?.conditions ?? [];
  if (conditions.length === 0) return 'no conditions reported yet';
  return conditions
    .map(c => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`)
    .join('; ')
    .slice(0, MAX_ANNOTATION);
}

function isTrue(xr: PostgresInstanceObject, type: string) {
  return (xr.status?.conditions ?? []).some(
    c => c.type === type && c.status === 'True',
  );
}

function statusWord(xr: PostgresInstanceObject) {
  if (isTrue(xr, 'Ready')) return 'Ready';
  const failing = (xr.status?.conditions ?? []).find(
    c => c.status === 'False' && c.reason !== 'Creating',
  );
  return failing ? 'Failing' : 'Provisioning';
}

/** Longest value copied from the XR (a Kubernetes object name is at most 253). */
const MAX_FIELD = 253;

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value
    ? value.slice(0, MAX_FIELD)
    : undefined;
}

/**
 * The Resource entity of one PostgreSQLInstance XR: type database, owned by the team, a
 * dependency of the component that requested it, status in annotations. Never Secret data: only
 * the Secret's name. Returns undefined for an XR the portal did not write (no owner or
 * component), which it cannot attribute.
 *
 * @public
 */
export function databaseResourceEntity(
  xr: PostgresInstanceObject,
  context: DatabaseEntityContext,
): Entity | undefined {
  const name = xr.metadata?.name;
  const namespace = xr.metadata?.namespace;
  const owner = text(xr.spec?.owner);
  const componentRef = xr.metadata?.annotations?.[COMPONENT_REF_ANNOTATION];
  if (!name || !namespace || !owner || !componentRef) return undefined;

  const size = text(xr.spec?.size);
  const environment = text(xr.spec?.environment);
  const region = text(xr.spec?.region);
  const secretName =
    text(xr.status?.secretName) ?? text(xr.spec?.connectionSecretName);
  const status = statusWord(xr);
  const location = `crossplane:${context.clusterUrl.replace(/\/+$/, '')}/apis/${
    xr.apiVersion
  }/namespaces/${namespace}/postgresqlinstances/${name}`;

  const annotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
    [DATABASE_ANNOTATIONS.xr]: `${xr.apiVersion}/${xr.kind}/${namespace}/${name}`,
    [DATABASE_ANNOTATIONS.namespace]: namespace,
    [DATABASE_ANNOTATIONS.ready]: String(status === 'Ready'),
    [DATABASE_ANNOTATIONS.status]: status,
    [DATABASE_ANNOTATIONS.conditions]:
      status === 'Ready' || !xr.status?.conditions?.length
        ? conditionsSummary(xr)
        : `${conditionsSummary(xr)}. ${explainNotReady(xr)}`.slice(
            0,
            MAX_ANNOTATION,
          ),
  };
  if (size) annotations[DATABASE_ANNOTATIONS.size] = size;
  if (environment) annotations[DATABASE_ANNOTATIONS.environment] = environment;
  if (region) annotations[DATABASE_ANNOTATIONS.region] = region;
  if (secretName) annotations[DATABASE_ANNOTATIONS.secretName] = secretName;

  const system = context.systemOf(componentRef);
  const componentName = componentRef.replace(/^.*\//, '');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: databaseEntityName(namespace, name),
      namespace: 'default',
      title: name,
      description: `PostgreSQL database${
        size || environment
          ? ` (${[size, environment].filter(Boolean).join(', ')})`
          : ''
      } for ${componentName}, requested through the portal. Status: ${status}.${
        secretName
          ? ` Credentials in Secret ${secretName} in namespace ${namespace}.`
          : ''
      }`,
      annotations,
      tags: [
        'postgresql',
        ...(environment && TAG.test(environment) ? [environment] : []),
      ],
    },
    spec: {
      type: 'database',
      owner: owner.includes(':') ? owner : `group:default/${owner}`,
      dependencyOf: [componentRef],
      ...(system ? { system } : {}),
    },
  };
}
