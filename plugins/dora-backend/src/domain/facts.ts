import { Analysis, failureStartOf, recoveryOf } from './analysis';
import { DAY_MS, Deployment, Incident } from './model';

/**
 * Everything the metrics need about one successful production deployment, derived once from an
 * analysis of its service's events and stored at ingest (`dora_deployment_facts`).
 */
export interface DeploymentFact {
  service: string;
  /** The source's deployment id. */
  id: string;
  stream: string;
  finishedAt: number;
  /** A hotfix or rollback deployment. */
  rework: boolean;
  /** Its commits were inferred from commit times (no commit list reported). */
  inferred: boolean;
  failed: boolean;
  /**
   * Repeats a release already rolled out to another stream of the service: it counts in its
   * stream's figures, not again in the service's.
   */
  repeatRollout: boolean;
  /**
   * Counts as a failed release in the service's failure rate: failed, and no earlier rollout of
   * the same release failed.
   */
  releaseFailure: boolean;
  /** Failed only because a hotfix or rollback deployment of its stream followed it. */
  repairedByFix: boolean;
  /** Failed only through the time-window fallback link. */
  failedViaFallback: boolean;
  rolledBack: boolean;
  linkedIncidents: number;
  rollbacks: number;
  /** For failed deployments: the failure's start, and its recovery (null while not recovered). */
  failureStart: number | null;
  recoveredAt: number | null;
  /** Lead time of every commit first deployed by it, in milliseconds. */
  leadTimesMs: number[];
  /** Reported commits without a commit time. */
  commitsWithoutTime: number;
}

/** A production rollout that failed (status failure). */
export interface FailedRollout {
  service: string;
  stream: string;
  finishedAt: number;
}

/** An incident that no deployment could be linked to (`dora_unlinked_incidents`). */
export interface UnlinkedIncident {
  service: string;
  id: string;
  openedAt: number;
}

export const dayOf = (time: number) => Math.floor(time / DAY_MS);

/** The start of the day (UTC) a time falls on. */
export const floorDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
/** The start of the day (UTC) after the one a time falls on. */
export const ceilDay = (t: number) => floorDay(t) + DAY_MS;

/** Facts of the analysed deployments that finished in [from, to), and the unlinked incidents opened then. */
export function extractFacts(
  analysis: Analysis,
  range: { from: number; to: number } = { from: -Infinity, to: Infinity },
): {
  facts: DeploymentFact[];
  unlinked: UnlinkedIncident[];
  failedRollouts: FailedRollout[];
} {
  const inRange = (t: number) => t >= range.from && t < range.to;
  const leadTimes = new Map<Deployment, number[]>();
  for (const { change, deployment } of analysis.commitDeployments) {
    if (inRange(deployment.finishedAt!)) {
      const list = leadTimes.get(deployment) ?? [];
      list.push(Math.max(0, deployment.finishedAt! - change.committedAt));
      leadTimes.set(deployment, list);
    }
  }
  const facts = analysis.deployments
    .filter(d => inRange(d.finishedAt!))
    .map((d): DeploymentFact => {
      const failure = analysis.failures.get(d);
      const earlier = analysis.repeatOf.get(d);
      return {
        service: d.service,
        id: d.id,
        stream: d.stream,
        finishedAt: d.finishedAt!,
        rework: analysis.rework.has(d),
        inferred: analysis.inferredDeployments.has(d),
        failed: failure !== undefined,
        repeatRollout: earlier !== undefined,
        releaseFailure:
          failure !== undefined &&
          !(earlier ?? []).some(e => analysis.failures.has(e)),
        repairedByFix:
          failure !== undefined &&
          failure.repairedBy.length > 0 &&
          failure.incidents.length === 0 &&
          failure.rollbacks.length === 0,
        failedViaFallback: failure?.viaFallback ?? false,
        rolledBack: (failure?.rollbacks.length ?? 0) > 0,
        linkedIncidents: failure?.incidents.length ?? 0,
        rollbacks: failure?.rollbacks.length ?? 0,
        failureStart: failure ? failureStartOf(failure) : null,
        recoveredAt: failure ? recoveryOf(failure, analysis) : null,
        leadTimesMs: (leadTimes.get(d) ?? []).sort((a, b) => a - b),
        commitsWithoutTime: analysis.commitsWithoutTime.get(d) ?? 0,
      };
    });
  const unlinked = analysis.incidents
    .filter(
      (i: Incident) => inRange(i.openedAt) && !analysis.incidentLinks.has(i),
    )
    .map(i => ({ service: i.service, id: i.id, openedAt: i.openedAt }));
  const failedRollouts = analysis.failedRollouts
    .filter(d => inRange(d.finishedAt!))
    .map(d => ({
      service: d.service,
      stream: d.stream,
      finishedAt: d.finishedAt!,
    }));
  return { facts, unlinked, failedRollouts };
}
