import { dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { ceilDay, floorDay, RELEASE_SPREAD_MS } from '../domain';
import { deploymentIdsReporting, deploymentsOfIds } from './eventLookups';

/** A deployment whose derivation changed whether it failed: its release (head SHA) and finish. */
export interface FailureChange {
  head: string;
  at: number;
}

/**
 * The later rollouts (other streams, up to RELEASE_SPREAD_MS after) of the releases whose rollouts'
 * failure a derivation changed, outside the ranges `derived` already covers, as day ranges by
 * service: whether each counts as a failed release depends on that failure, whatever event changed
 * it (a fix or incident reported late, a late deployment taking over a repair, a late commit).
 * Found through the SHA index.
 */
export async function laterRolloutsOfChangedFailures(
  tx: Knex,
  changes: Array<{ service: string; failureChanged: FailureChange[] }>,
  derived: (service: string, at: number) => boolean,
): Promise<Map<string, Array<{ from: number; to: number }>>> {
  const changed = changes.filter(c => c.failureChanged.length > 0);
  const found = new Map<string, Array<{ from: number; to: number }>>();
  if (changed.length === 0) {
    return found;
  }
  const ids = await deploymentIdsReporting(
    tx,
    changed.flatMap(c => c.failureChanged.map(f => f.head)),
  );
  for (const { service, failureChanged } of changed) {
    for (const group of ids) {
      for (const r of await deploymentsOfIds(tx, service, group)) {
        const at = dbNumber(r.finished_at);
        const later = failureChanged.some(
          f =>
            r.commit_sha === f.head &&
            at > f.at &&
            at <= f.at + RELEASE_SPREAD_MS,
        );
        if (later && !derived(service, at)) {
          const ranges = found.get(service) ?? [];
          if (!ranges.some(x => at >= x.from && at < x.to)) {
            ranges.push({ from: floorDay(at), to: ceilDay(at) });
          }
          found.set(service, ranges);
        }
      }
    }
  }
  return found;
}
