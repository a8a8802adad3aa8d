import { DoraDeploymentStatus } from '@internal/plugin-dora-common';
import {
  Change,
  CommitRange,
  DAY_MS,
  Deployment,
  EventSet,
  Incident,
  Rollback,
} from './model';

/**
 * How far back a hotfix or rollback deployment looks for the regular deployment of its stream it
 * repaired, and how far apart two streams' rollouts of one commit are still one release.
 */
export const REPAIR_WINDOW_MS = 7 * DAY_MS;
export const RELEASE_SPREAD_MS = 7 * DAY_MS;

/**
 * Precedence of deployment statuses when the same deployment is reported more than once: a later
 * report never moves a deployment back to an earlier state, so redelivered or out-of-order status
 * events converge on the same record.
 */
export const DEPLOYMENT_STATUS_RANK: Record<DoraDeploymentStatus, number> = {
  queued: 0,
  in_progress: 1,
  cancelled: 2,
  failure: 3,
  success: 4,
};

const key = (service: string, id: string) => `${service}\u0000${id}`;

/** A production deployment judged to have failed, with the evidence. */
export interface FailedDeployment {
  deployment: Deployment;
  incidents: Incident[];
  rollbacks: Rollback[];
  /** Hotfix or rollback deployments of its stream that followed it (it needed a fix). */
  repairedBy: Deployment[];
  /** True when the only evidence is the time-window fallback. */
  viaFallback: boolean;
}

/**
 * Everything about an event set that does not depend on the reporting window, computed once and
 * then sliced per window (metrics, weekly trend).
 */
export interface Analysis {
  /** Successful production deployments, deduplicated, ordered by finish time. */
  deployments: Deployment[];
  /** For each commit (service + sha): its commit time and the first deployment containing it. */
  commitDeployments: Array<{ change: Change; deployment: Deployment }>;
  /** Deployments whose commits were inferred from commit times rather than reported. */
  inferredDeployments: Set<Deployment>;
  /** Commits reported inside deployments that have no commit time (no change event). */
  commitsWithoutTime: Map<Deployment, number>;
  failures: Map<Deployment, FailedDeployment>;
  /** Incidents linked explicitly (deployment id, commit SHA) and by fallback. */
  incidentLinks: Map<
    Incident,
    { deployment: Deployment; viaFallback: boolean }
  >;
  /** Deduplicated incidents and rollbacks. */
  incidents: Incident[];
  rollbacks: Rollback[];
  /** Deployments that were rollbacks or hotfixes (rework). */
  rework: Set<Deployment>;
  /** Services that have at least one incident reported, i.e. an incident source. */
  servicesWithIncidents: Set<string>;
  /** Successful production deployments by service and id. */
  deploymentByKey: Map<string, Deployment>;
  /** Hotfix and rollback deployments per service and stream, ordered by finish. */
  fixesByStream: Map<string, Deployment[]>;
  /** Failed production rollouts (status failure), deduplicated. */
  failedRollouts: Deployment[];
  /**
   * Rollouts that repeat a release of the service in another stream (same commit within
   * RELEASE_SPREAD_MS of its first rollout), mapped to the release's earlier rollouts.
   */
  repeatOf: Map<Deployment, Deployment[]>;
}

/** Keeps one record per deployment: the most advanced status, then the latest finish. */
export function dedupeDeployments(deployments: Deployment[]): Deployment[] {
  const byKey = new Map<string, Deployment>();
  for (const d of deployments) {
    const k = key(d.service, d.id);
    const existing = byKey.get(k);
    if (
      !existing ||
      DEPLOYMENT_STATUS_RANK[d.status] >
        DEPLOYMENT_STATUS_RANK[existing.status] ||
      (d.status === existing.status &&
        (d.finishedAt ?? 0) > (existing.finishedAt ?? 0))
    ) {
      byKey.set(k, d);
    }
  }
  return [...byKey.values()];
}

function dedupeBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    if (!byKey.has(keyOf(item))) {
      byKey.set(keyOf(item), item);
    }
  }
  return [...byKey.values()];
}

function byFinish(a: Deployment, b: Deployment) {
  return (
    (a.finishedAt ?? 0) - (b.finishedAt ?? 0) ||
    a.service.localeCompare(b.service) ||
    a.id.localeCompare(b.id)
  );
}

/** A branch's `before` when the push created it (GitHub and GitLab send the all-zero SHA). */
const isNullSha = (sha: string) => /^0+$/.test(sha);

/** What push (and compare) ranges say about ancestry, per service: the commits each range listed. */
class Ancestry {
  private readonly members = new Map<string, Change[]>();

  constructor(changes: Change[]) {
    for (const c of changes) {
      if (!c.pushed) {
        continue;
      }
      const k = this.rangeKey(c.service, c.pushed);
      const list = this.members.get(k);
      if (list) {
        list.push(c);
        continue;
      }
      this.members.set(k, [c]);
    }
    for (const list of this.members.values()) {
      list.sort(
        (a, b) =>
          a.pushed!.index - b.pushed!.index || a.sha.localeCompare(b.sha),
      );
    }
  }

  private rangeKey(service: string, range: CommitRange) {
    return `${service}\u0000${range.before}\u0000${range.head}`;
  }

  /** The commits listed up to and including `change` in its range (none without a range). */
  private upTo(change: Change): Change[] {
    const range = change.pushed;
    if (!range) {
      return [];
    }
    return this.members
      .get(this.rangeKey(change.service, range))!
      .filter(m => m.pushed!.index <= range.index);
  }

  /**
   * The commits a deployment of `head` contains beyond `shipped` ones that ranges list, following
   * them back from it until a shipped commit, the branch's creation, or a commit without a range
   * (a push not reported, a SHA pushed elsewhere: the trail breaks off there).
   */
  newCommits(
    head: string,
    changeOf: (sha: string) => Change | undefined,
    shipped: (sha: string) => boolean,
  ): Change[] {
    const found: Change[] = [];
    const visited = new Set<string>();
    let sha = head;
    while (!shipped(sha)) {
      const change = changeOf(sha);
      if (!change?.pushed || visited.has(sha)) {
        break;
      }
      visited.add(sha);
      found.push(...this.upTo(change));
      if (isNullSha(change.pushed.before)) {
        break;
      }
      sha = change.pushed.before;
    }
    return found.filter(c => !shipped(c.sha));
  }
}

/**
 * Assigns every commit to the first successful production deployment that contains it. A
 * deployment contains its reported commits and head SHA. When it reports no commit list, it
 * contains the commits push (or compare) ranges list on the way from its head back to a commit an
 * earlier deployment shipped (ancestry), and, by commit time, every commit without a range
 * committed no later than its head commit and not yet shipped (timestamp inference). `shippedUpTo`
 * (per service): commits without a range committed at or before it were shipped by deployments
 * outside the set.
 */
function assignCommits(
  deployments: Deployment[],
  changes: Change[],
  shippedUpTo: ReadonlyMap<string, number> = new Map(),
) {
  const changesByService = new Map<string, Change[]>();
  const changeByKey = new Map<string, Change>();
  for (const c of changes) {
    changeByKey.set(key(c.service, c.sha), c);
    const list = changesByService.get(c.service) ?? [];
    list.push(c);
    changesByService.set(c.service, list);
  }
  for (const list of changesByService.values()) {
    list.sort(
      (a, b) => a.committedAt - b.committedAt || a.sha.localeCompare(b.sha),
    );
  }
  const ancestry = new Ancestry(changes);

  const firstDeployment = new Map<string, Deployment>();
  const inferredDeployments = new Set<Deployment>();
  const commitsWithoutTime = new Map<Deployment, number>();
  const watermark = new Map<string, number>();
  for (const [service, upTo] of shippedUpTo) {
    const list = changesByService.get(service) ?? [];
    let end = 0;
    while (end < list.length && list[end].committedAt <= upTo) {
      end++;
    }
    watermark.set(service, end);
  }
  /** SHAs earlier deployments reported (heads and commit lists). */
  const deployedHeads = new Set<string>();

  const assign = (d: Deployment, sha: string) => {
    const k = key(d.service, sha);
    if (!firstDeployment.has(k)) {
      firstDeployment.set(k, d);
    }
  };

  for (const d of deployments) {
    const reported = new Set([
      ...(d.commits ?? []),
      ...(d.commitSha ? [d.commitSha] : []),
    ]);
    const missing = [...reported].filter(
      sha => !changeByKey.has(key(d.service, sha)),
    ).length;
    if (missing > 0) {
      commitsWithoutTime.set(d, missing);
    }
    const viaAncestry =
      !d.commits && d.commitSha
        ? ancestry.newCommits(
            d.commitSha,
            sha => changeByKey.get(key(d.service, sha)),
            sha =>
              deployedHeads.has(key(d.service, sha)) ||
              firstDeployment.has(key(d.service, sha)),
          )
        : undefined;
    viaAncestry?.forEach(c => assign(d, c.sha));
    const upTo = shippedUpTo.get(d.service);
    reported.forEach(sha => {
      const change = changeByKey.get(key(d.service, sha));
      // Timestamp inference outside the set shipped commits without a range up to `upTo`.
      if (
        !change ||
        change.pushed ||
        upTo === undefined ||
        change.committedAt > upTo
      ) {
        assign(d, sha);
      }
    });
    const head = d.commitSha
      ? changeByKey.get(key(d.service, d.commitSha))
      : undefined;
    if (!d.commits && head) {
      const list = changesByService.get(d.service)!;
      let end = watermark.get(d.service) ?? 0;
      const start = end;
      while (end < list.length && list[end].committedAt <= head.committedAt) {
        end++;
      }
      // Commits with a range are left to ancestry: they go to the first deployment whose trail
      // reaches them, whatever their commit time. Those without one go by commit time; taking one
      // other than its head makes the deployment inferred.
      const taken = list
        .slice(start, end)
        .filter(c => !c.pushed && !firstDeployment.has(key(d.service, c.sha)));
      taken.forEach(c => assign(d, c.sha));
      if (taken.some(c => c.sha !== head.sha)) {
        inferredDeployments.add(d);
      }
      watermark.set(d.service, end);
    }
    // Whatever an earlier deployment reported, it deployed (and everything before it).
    reported.forEach(sha => deployedHeads.add(key(d.service, sha)));
  }

  const commitDeployments: Analysis['commitDeployments'] = [];
  for (const [k, deployment] of firstDeployment) {
    const change = changeByKey.get(k);
    if (change) {
      commitDeployments.push({ change, deployment });
    }
  }
  return {
    commitDeployments,
    firstDeployment,
    inferredDeployments,
    commitsWithoutTime,
  };
}

/**
 * Prepares an event set for metric computation. `fallbackWindowMs` bounds how long after a
 * deployment an incident without an explicit link may be attributed to it.
 */
export function analyse(events: EventSet, fallbackWindowMs: number): Analysis {
  const deployments = dedupeDeployments(events.deployments)
    .filter(
      d => d.production && d.status === 'success' && d.finishedAt !== null,
    )
    .sort(byFinish);
  const changes = dedupeBy(events.changes, c => key(c.service, c.sha));
  const incidents = dedupeBy(events.incidents, i => key(i.service, i.id)).sort(
    (a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id),
  );
  const rollbacks = dedupeBy(events.rollbacks, r => key(r.service, r.id));

  const {
    commitDeployments,
    firstDeployment,
    inferredDeployments,
    commitsWithoutTime,
  } = assignCommits(deployments, changes, events.shippedUpTo);

  const deploymentById = new Map(
    deployments.map(d => [key(d.service, d.id), d]),
  );
  const deploymentsByService = new Map<string, Deployment[]>();
  for (const d of deployments) {
    const list = deploymentsByService.get(d.service) ?? [];
    list.push(d);
    deploymentsByService.set(d.service, list);
  }

  const failures = new Map<Deployment, FailedDeployment>();
  const failureOf = (d: Deployment) => {
    let failure = failures.get(d);
    if (!failure) {
      failure = {
        deployment: d,
        incidents: [],
        rollbacks: [],
        repairedBy: [],
        viaFallback: true,
      };
      failures.set(d, failure);
    }
    return failure;
  };

  const incidentLinks: Analysis['incidentLinks'] = new Map();
  for (const incident of incidents) {
    let target: Deployment | undefined;
    let viaFallback = false;
    if (incident.causeDeploymentId) {
      target = deploymentById.get(
        key(incident.service, incident.causeDeploymentId),
      );
    }
    if (!target && incident.causeCommitSha) {
      target = firstDeployment.get(
        key(incident.service, incident.causeCommitSha),
      );
    }
    if (!target && !incident.causeDeploymentId && !incident.causeCommitSha) {
      // Fallback: the service's last deployment before the incident, only if recent enough.
      const candidates = deploymentsByService.get(incident.service) ?? [];
      for (let i = candidates.length - 1; i >= 0; i--) {
        const finishedAt = candidates[i].finishedAt!;
        if (finishedAt <= incident.openedAt) {
          if (incident.openedAt - finishedAt <= fallbackWindowMs) {
            target = candidates[i];
            viaFallback = true;
          }
          break;
        }
      }
    }
    if (target) {
      incidentLinks.set(incident, { deployment: target, viaFallback });
      const failure = failureOf(target);
      failure.incidents.push(incident);
      failure.viaFallback &&= viaFallback;
    }
  }

  const rework = new Set(deployments.filter(d => d.kind !== 'regular'));
  for (const rollback of rollbacks) {
    const target = deploymentById.get(
      key(rollback.service, rollback.rolledBackDeploymentId),
    );
    if (target) {
      const failure = failureOf(target);
      failure.rollbacks.push(rollback);
      failure.viaFallback = false;
    }
    const performedBy =
      rollback.rollbackDeploymentId &&
      deploymentById.get(key(rollback.service, rollback.rollbackDeploymentId));
    if (performedBy) {
      rework.add(performedBy);
    }
  }

  const fixesByStream = new Map<string, Deployment[]>();
  const lastRegular = new Map<string, Deployment>();
  for (const d of deployments) {
    const k = key(d.service, d.stream);
    if (d.kind === 'regular') {
      lastRegular.set(k, d);
      continue;
    }
    const list = fixesByStream.get(k) ?? [];
    list.push(d);
    fixesByStream.set(k, list);
    // DORA counts a deployment that needed a hotfix or rollback as failed: the regular deployment
    // the fix replaced in its stream (if recent enough) is marked failed, labelled as such.
    const repaired = lastRegular.get(k);
    if (
      repaired &&
      repaired.finishedAt! < d.finishedAt! &&
      d.finishedAt! - repaired.finishedAt! <= REPAIR_WINDOW_MS
    ) {
      const failure = failureOf(repaired);
      failure.repairedBy.push(d);
      failure.viaFallback = false;
    }
  }

  return {
    deployments,
    deploymentByKey: deploymentById,
    fixesByStream,
    failedRollouts: dedupeDeployments(events.deployments).filter(
      d => d.production && d.status === 'failure' && d.finishedAt !== null,
    ),
    repeatOf: findRepeatRollouts(deployments),
    commitDeployments,
    inferredDeployments,
    commitsWithoutTime,
    failures,
    incidentLinks,
    incidents,
    rollbacks,
    rework,
    servicesWithIncidents: new Set(incidents.map(i => i.service)),
  };
}

/**
 * Rollouts of a commit already rolled out to another stream of the service (at most
 * RELEASE_SPREAD_MS after the release's first rollout, to a stream it had not reached yet): one
 * release counts once per service. Deployments without a head SHA are each their own release.
 */
function findRepeatRollouts(deployments: Deployment[]) {
  const repeatOf = new Map<Deployment, Deployment[]>();
  const releases = new Map<string, Deployment[]>();
  for (const d of deployments) {
    if (!d.commitSha) {
      continue;
    }
    const k = key(d.service, d.commitSha);
    const rollouts = releases.get(k);
    if (
      rollouts &&
      d.finishedAt! - rollouts[0].finishedAt! <= RELEASE_SPREAD_MS &&
      !rollouts.some(r => r.stream === d.stream)
    ) {
      repeatOf.set(d, [...rollouts]);
      rollouts.push(d);
    } else {
      releases.set(k, [d]);
    }
  }
  return repeatOf;
}

/** The first fix deployment of the stream finishing after `after` (binary search). */
function firstFixAfter(
  analysis: Analysis,
  deployment: Deployment,
  after: number,
): number | undefined {
  const fixes =
    analysis.fixesByStream.get(key(deployment.service, deployment.stream)) ??
    [];
  let low = 0;
  let high = fixes.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (fixes[mid].finishedAt! > after) {
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  return low < fixes.length ? fixes[low].finishedAt! : undefined;
}

/**
 * When a failed deployment recovered, or null while it has not.
 *
 * - With incidents, all of them resolved: the last resolution (incident resolution wins).
 * - With incidents not all resolved: the earliest of a rollback of it and the first hotfix or
 *   rollback deployment of its stream finishing after its first incident opened (a fix that
 *   went out before anyone knew of the failure did not end it).
 * - Without incidents (rolled back, or repaired by a fix): the earliest of a rollback of it and
 *   the first hotfix or rollback deployment of its stream after it.
 */
export function recoveryOf(
  failure: FailedDeployment,
  analysis: Analysis,
): number | null {
  const { deployment, incidents, rollbacks } = failure;
  if (incidents.length > 0 && incidents.every(i => i.resolvedAt !== null)) {
    return Math.max(...incidents.map(i => i.resolvedAt!));
  }
  const candidates: number[] = [];
  for (const rollback of rollbacks) {
    const performedBy = rollback.rollbackDeploymentId
      ? analysis.deploymentByKey.get(
          key(rollback.service, rollback.rollbackDeploymentId),
        )
      : undefined;
    candidates.push(performedBy?.finishedAt ?? rollback.at);
  }
  const after =
    incidents.length > 0
      ? Math.max(
          deployment.finishedAt!,
          Math.min(...incidents.map(i => i.openedAt)),
        )
      : deployment.finishedAt!;
  const fix = firstFixAfter(analysis, deployment, after);
  if (fix !== undefined) {
    candidates.push(fix);
  }
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

/**
 * When the failure started: the deployment's finish or its first incident, whichever is earlier.
 * When the only evidence is an incident linked by the time fallback, its opening: nothing says the
 * deployment was failing before that (Four Keys and DevLake measure restore time from the
 * incident's creation too).
 */
export function failureStartOf(failure: FailedDeployment): number {
  if (failure.viaFallback && failure.incidents.length > 0) {
    return Math.min(...failure.incidents.map(i => i.openedAt));
  }
  return Math.min(
    failure.deployment.finishedAt!,
    ...failure.incidents.map(i => i.openedAt),
  );
}
