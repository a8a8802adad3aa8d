/** A Crossplane condition (status.conditions[]). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/**
 * Merges desired conditions into the current ones, keeping lastTransitionTime when a condition's
 * status did not change (so re-running a successful reconcile writes nothing).
 */
export function setConditions(
  current: Condition[] | undefined,
  desired: Array<Omit<Condition, 'lastTransitionTime'>>,
  now: string,
): Condition[] {
  const result = [...(current ?? [])];
  for (const d of desired) {
    const index = result.findIndex(c => c.type === d.type);
    const before = index >= 0 ? result[index] : undefined;
    const next: Condition = {
      ...d,
      ...(d.message ? {} : { message: undefined }),
      lastTransitionTime:
        before && before.status === d.status ? before.lastTransitionTime : now,
    };
    if (!next.message) delete next.message;
    if (index >= 0) result[index] = next;
    else result.push(next);
  }
  return result;
}

export const synced = (observedGeneration?: number) => ({
  type: 'Synced',
  status: 'True' as const,
  reason: 'ReconcileSuccess',
  observedGeneration,
});

export const reconcileError = (
  message: string,
  observedGeneration?: number,
) => ({
  type: 'Synced',
  status: 'False' as const,
  reason: 'ReconcileError',
  message,
  observedGeneration,
});

export const available = (observedGeneration?: number) => ({
  type: 'Ready',
  status: 'True' as const,
  reason: 'Available',
  observedGeneration,
});

export const creating = (message: string, observedGeneration?: number) => ({
  type: 'Ready',
  status: 'False' as const,
  reason: 'Creating',
  message,
  observedGeneration,
});
