import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  POSTGRES_PROVIDER_LABEL,
  PostgresCondition,
  PostgresEvent,
  PostgresInstanceSummary,
  PostgresProvider,
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
    crossplane?: {
      compositionSelector?: { matchLabels?: Record<string, string> };
      compositionRef?: { name?: string };
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  status?: {
    endpoint?: string;
    secretName?: string;
    conditions?: (PostgresCondition & { observedGeneration?: number })[];
    observedGeneration?: number;
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
  /** The class of service: which Composition the XR selects (config per environment). */
  provider: PostgresProvider;
}

/** Prefix of the portal's field managers (see {@link portalFieldManager}). @public */
export const PORTAL_FIELD_MANAGER = 'developer-portal';

/** Kubernetes refuses field managers longer than this. */
const MAX_FIELD_MANAGER_LENGTH = 128;

/**
 * The server-side apply field manager of the portal's writes for one component:
 * `developer-portal:<component ref>` (shortened with a hash past 128 characters). Each component
 * owns the fields it applied, so an apply for another component that would change them (its
 * labels and annotation differ) is an SSA conflict (409) on the API server itself: no takeover
 * even when two requests race past the portal's own ownership check.
 *
 * @public
 */
export function portalFieldManager(componentRef: string): string {
  const full = `${PORTAL_FIELD_MANAGER}:${componentRef}`;
  if (full.length <= MAX_FIELD_MANAGER_LENGTH) return full;
  const hash = createHash('sha256').update(componentRef).digest('hex');
  return `${full.slice(0, MAX_FIELD_MANAGER_LENGTH - 13)}~${hash.slice(0, 12)}`;
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
  // Crossplane v2, namespaced XR: the selector lives under spec.crossplane. Crossplane resolves it
  // to spec.crossplane.compositionRef once, on the first reconcile.
  spec.crossplane = {
    compositionSelector: {
      matchLabels: { [POSTGRES_PROVIDER_LABEL]: input.provider },
    },
  };
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

/**
 * The generation a condition speaks for: its own observedGeneration (Crossplane v2 sets it on
 * every condition), else the status' observedGeneration; undefined when neither is reported.
 */
function observedGeneration(
  xr: PostgresInstanceObject,
  condition: { observedGeneration?: number },
): number | undefined {
  return condition.observedGeneration ?? xr.status?.observedGeneration;
}

/**
 * Whether the XR is Ready for its current spec: `Ready=True`, observed at the XR's current
 * `metadata.generation`. A Ready condition from an earlier generation (the reconciler has not seen
 * the latest apply yet) does not count. When no observed generation is reported at all, Ready is
 * taken as is.
 *
 * @public
 */
export function isReadyForCurrentGeneration(
  xr: PostgresInstanceObject,
): boolean {
  const ready = xr.status?.conditions?.find(c => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  const observed = observedGeneration(xr, ready);
  const generation = xr.metadata?.generation;
  return (
    observed === undefined || generation === undefined || observed >= generation
  );
}

/** The Composition label the XR selects, when it selects one. @public */
export function selectedProvider(
  xr: PostgresInstanceObject,
): string | undefined {
  return xr.spec?.crossplane?.compositionSelector?.matchLabels?.[
    POSTGRES_PROVIDER_LABEL
  ];
}

/** The condition that best explains why an XR is not Ready. @public */
export function explainNotReady(xr: PostgresInstanceObject | undefined) {
  const ready = xr?.status?.conditions?.find(c => c.type === 'Ready');
  if (xr && ready?.status === 'True' && !isReadyForCurrentGeneration(xr)) {
    return `Ready=True is for generation ${observedGeneration(
      xr,
      ready,
    )}, but the request is at generation ${
      xr.metadata?.generation
    }: Crossplane has not reconciled the latest change yet`;
  }
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
    provider: selectedProvider(xr),
    secretName: xr.status?.secretName ?? xr.spec?.connectionSecretName,
    endpoint: xr.status?.endpoint,
    ready: isReadyForCurrentGeneration(xr),
    synced: conditionStatus(xr, 'Synced'),
    conditions: xr.status?.conditions ?? [],
    events,
    object: JSON.parse(JSON.stringify({ ...xr, metadata })),
  };
}
