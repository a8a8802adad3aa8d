import { KubeObject } from '../api/objects';
import { DesiredComposed, ObservedComposed } from './composeRenderer';

/**
 * function-auto-ready v0.5 (crossplane-contrib/function-auto-ready, fn.go): a desired resource is ready
 * when a function before it said so explicitly, or when it exists (is observed) and its observed
 * object has the condition Ready=True. Nothing else counts, so a Secret (no conditions) is ready only
 * when the template marks it with `gotemplating.fn.crossplane.io/ready: "True"`.
 */
export function autoReady(
  desired: Record<string, DesiredComposed>,
  observed: Record<string, ObservedComposed>,
): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  for (const [name, d] of Object.entries(desired)) {
    if (d.ready !== 'Unspecified') {
      result[name] = d.ready === 'True';
      continue;
    }
    const o = observed[name];
    result[name] = !!o && hasReadyCondition(o.resource);
  }
  return result;
}

function hasReadyCondition(obj: KubeObject): boolean {
  const conditions = (obj.status as { conditions?: unknown } | undefined)
    ?.conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some(
      c =>
        (c as { type?: string }).type === 'Ready' &&
        (c as { status?: string }).status === 'True',
    )
  );
}

/**
 * Crossplane's XR readiness from the composed resources' readiness: Ready when every desired resource
 * is ready, otherwise Creating with the unready names (as `Unready resources: a, b`).
 */
export function unreadyResources(ready: Record<string, boolean>): string[] {
  return Object.entries(ready)
    .filter(([, r]) => !r)
    .map(([name]) => name)
    .sort();
}
