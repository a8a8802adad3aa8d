import { CommitRange, DEPLOYMENT_STATUS_RANK } from '../domain';
import { NormalizedEvent } from '../domain/events';

const keyOf = (e: NormalizedEvent) => `${e.source}\u0000${e.externalId}`;

/** Combines two reports of one event the same way the SQL upsert does. */
function mergeReports(a: NormalizedEvent, b: NormalizedEvent): NormalizedEvent {
  if (a.type === 'deployment' && b.type === 'deployment') {
    const [older, newer] =
      DEPLOYMENT_STATUS_RANK[b.status] > DEPLOYMENT_STATUS_RANK[a.status] ||
      (a.status === b.status && (b.finishedAt ?? 0) > (a.finishedAt ?? 0))
        ? [a, b]
        : [b, a];
    return {
      ...newer,
      startedAt: Math.min(a.startedAt, b.startedAt),
      commitSha: newer.commitSha ?? older.commitSha,
      commits: newer.commits ?? older.commits,
      version: newer.version ?? older.version,
    };
  }
  if (a.type === 'incident' && b.type === 'incident') {
    return {
      ...a,
      openedAt: Math.min(a.openedAt, b.openedAt),
      resolvedAt: b.resolvedAt ?? a.resolvedAt,
      title: b.title ?? a.title,
      severity: b.severity ?? a.severity,
      causeDeploymentId: b.causeDeploymentId ?? a.causeDeploymentId,
      causeCommitSha: b.causeCommitSha ?? a.causeCommitSha,
    };
  }
  if (a.type === 'change' && b.type === 'change') {
    return {
      ...a,
      // The push and the merge event of one commit may report slightly different times; the
      // earlier one is kept whatever the delivery order (as the stored row's upsert does).
      committedAt: Math.min(a.committedAt, b.committedAt),
      authoredAt: a.authoredAt ?? b.authoredAt,
      prNumber: b.prNumber ?? a.prNumber,
      prUrl: b.prUrl ?? a.prUrl,
      pushed: firstRange(a.pushed, b.pushed),
    };
  }
  return a;
}

/** Reports of one event merged (as the upserts would), in key order: a stable order keeps
 * concurrent PostgreSQL transactions from deadlocking on each other's rows. */
export function mergedInKeyOrder(events: NormalizedEvent[]): NormalizedEvent[] {
  const merged = new Map<string, NormalizedEvent>();
  for (const event of events) {
    const existing = merged.get(keyOf(event));
    merged.set(keyOf(event), existing ? mergeReports(existing, event) : event);
  }
  return [...merged.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, e]) => e);
}

/** Code-unit order, the same on every locale and database. */
function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** Of two ranges listing one commit, the one kept (by head, then before: any order agrees). */
function firstRange(
  a: CommitRange | undefined,
  b: CommitRange | undefined,
): CommitRange | undefined {
  if (!a || !b) {
    return a ?? b;
  }
  if (a.head !== b.head) {
    return a.head < b.head ? a : b;
  }
  return a.before <= b.before ? a : b;
}
