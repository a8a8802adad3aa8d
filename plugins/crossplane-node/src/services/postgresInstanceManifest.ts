import type { KubernetesObject } from '@kubernetes/client-node';
import {
  PostgresCondition,
  PostgresEvent,
  PostgresInstanceSummary,
} from '@internal/plugin-crossplane-common';

/** API version and kind of the XR (crossplane/xrd.yaml). @public */
export const POSTGRES_INSTANCE_API_VERSION = 'platform.fernhill.io/v1alpha1';
/** @public */
export const POSTGRES_INSTANCE_KIND = 'PostgreSQLInstance';
/** Label with the owning team's name. @public */
export const OWNER_LABEL = 'platform.fernhill.io/owner';
/** Label with the requesting component's name (entity refs are not valid label values). @public */
export const COMPONENT_LABEL = 'backstage.io/component';
/** Annotation with the requesting component's full entity ref. @public */
export const COMPONENT_REF_ANNOTATION = 'backstage.io/component-ref';

/** A PostgreSQLInstance XR as the portal reads it. @public */
export interface PostgresInstanceObject extends KubernetesObject {
  spec?: {
    size?: string;
    environment?: string;
    owner?: string;
    connectionSecretName?: string;
    [key: string]: unknown;
  };
  status?: {
    endpoint?: string;
    secretName?: string;
    conditions?: PostgresCondition[];
    [key: string]: unknown;
  };
}

/** The resolved input of one XR. @public */
export interface PostgresInstanceSpecInput {
  name: string;
  namespace: string;
  team: string;
  /** The team's group entity ref, e.g. group:default/payments. */
  teamRef: string;
  componentRef: string;
  componentName: string;
  size: string;
  environment: string;
  region?: string;
  backupRetentionDays?: number;
  deletionPolicy?: string;
}

/** Name of the connection Secret the composition writes next to the XR. @public */
export function connectionSecretName(name: string): string {
  return `${name}-connection`;
}

/**
 * The XR the portal applies. Only the fields the portal owns are set, so server-side apply leaves
 * platform-team defaults and other managers' fields alone.
 *
 * @public
 */
export function buildPostgresInstance(
  input: PostgresInstanceSpecInput,
): PostgresInstanceObject {
  const spec: Record<string, unknown> = {
    size: input.size,
    environment: input.environment,
    owner: input.team,
    connectionSecretName: connectionSecretName(input.name),
  };
  if (input.region !== undefined) spec.region = input.region;
  if (input.backupRetentionDays !== undefined)
    spec.backupRetentionDays = input.backupRetentionDays;
  if (input.deletionPolicy !== undefined)
    spec.deletionPolicy = input.deletionPolicy;
  return {
    apiVersion: POSTGRES_INSTANCE_API_VERSION,
    kind: POSTGRES_INSTANCE_KIND,
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: {
        [OWNER_LABEL]: input.team,
        [COMPONENT_LABEL]: input.componentName,
      },
      annotations: { [COMPONENT_REF_ANNOTATION]: input.componentRef },
    },
    spec,
  };
}

function conditionStatus(xr: PostgresInstanceObject, type: string) {
  return xr.status?.conditions?.find(c => c.type === type)?.status === 'True';
}

/** The condition that best explains why an XR is not Ready. @public */
export function explainNotReady(xr: PostgresInstanceObject | undefined) {
  const conditions = xr?.status?.conditions ?? [];
  const failing =
    conditions.find(c => c.type === 'Synced' && c.status === 'False') ??
    conditions.find(c => c.type === 'Ready' && c.status !== 'True') ??
    conditions.find(c => c.status !== 'True');
  if (!failing) return 'no conditions reported yet';
  const reason = failing.reason ? ` (${failing.reason})` : '';
  return `${failing.type}=${failing.status}${reason}${
    failing.message ? `: ${failing.message}` : ''
  }`;
}

/** A display summary of an XR and its events; never reads or includes Secret data. @public */
export function summarizePostgresInstance(
  xr: PostgresInstanceObject,
  events: PostgresEvent[],
): PostgresInstanceSummary {
  const { managedFields: _managedFields, ...metadata } = xr.metadata ?? {};
  return {
    name: xr.metadata?.name ?? '',
    namespace: xr.metadata?.namespace ?? '',
    owner: xr.spec?.owner,
    component: xr.metadata?.annotations?.[COMPONENT_REF_ANNOTATION],
    size: xr.spec?.size,
    environment: xr.spec?.environment,
    secretName: xr.status?.secretName ?? xr.spec?.connectionSecretName,
    endpoint: xr.status?.endpoint,
    ready: conditionStatus(xr, 'Ready'),
    synced: conditionStatus(xr, 'Synced'),
    conditions: xr.status?.conditions ?? [],
    events,
    object: JSON.parse(JSON.stringify({ ...xr, metadata })),
  };
}
