import { DeploymentFact, dayOf } from './facts';
import { EncodedHistogram, LogHistogram } from './histogram';
import { HOUR_MS } from './model';
import { median } from './statistics';

/**
 * Up to this many samples a median is computed exactly from per-deployment facts; above it, from
 * the daily rollups' histograms (within HISTOGRAM_RELATIVE_ERROR).
 */
export const EXACT_SAMPLE_LIMIT = 50_000;

/** Durations in hours: kept exactly while they come one by one, as a histogram once merged. */
export class Samples {
  private readonly exact: number[] = [];
  private readonly histogram = new LogHistogram();

  get count(): number {
    return this.exact.length + this.histogram.count;
  }

  add(hours: number): void {
    this.exact.push(hours);
  }

  mergeHistogram(encoded: EncodedHistogram | null | undefined): void {
    this.histogram.merge(encoded);
  }

  /** The median, and whether it came from a histogram. */
  median(): { value: number | null; approximate: boolean } {
    if (this.histogram.count === 0) {
      return { value: median(this.exact), approximate: false };
    }
    const merged = new LogHistogram();
    merged.mergeHistogram(this.histogram);
    this.exact.forEach(v => merged.add(v));
    return { value: merged.median(), approximate: true };
  }
}

/** A day of one service's deploy stream, summed from its deployment facts (`dora_daily_rollups`). */
export interface DailyRollup {
  service: string;
  stream: string;
  /** Days since the epoch (UTC). */
  day: number;
  deployments: number;
  /** Deployments that are not a repeat rollout of a release to another stream. */
  releases: number;
  /** Rework among those. */
  releaseRework: number;
  /** Failed releases (a release counts once, however many of its rollouts failed). */
  releaseFailures: number;
  /** Failed only because a hotfix or rollback deployment followed. */
  repairedByFix: number;
  rework: number;
  inferred: number;
  failed: number;
  failedViaFallback: number;
  rolledBack: number;
  linkedIncidents: number;
  rollbacks: number;
  recovered: number;
  unrecovered: number;
  commits: number;
  commitsWithoutTime: number;
  /** Days with a deployment, for weekly rollups (JSON array of day numbers, or parsed). */
  deploymentDays?: string | number[];
  /** LogHistogram encodings of lead times and recovery times, in hours (parsed once read). */
  leadTimeHistogram: EncodedHistogram;
  recoveryHistogram: EncodedHistogram;
}

const leadHours = (ms: number) => ms / HOUR_MS;
const recoveryHours = (f: DeploymentFact) =>
  Math.max(0, f.recoveredAt! - f.failureStart!) / HOUR_MS;

/** The counts a rollup sums; a weekly rollup is the sum of its days' counts. */
const ROLLUP_COUNTS = [
  'deployments',
  'releases',
  'releaseRework',
  'releaseFailures',
  'repairedByFix',
  'rework',
  'inferred',
  'failed',
  'failedViaFallback',
  'rolledBack',
  'linkedIncidents',
  'rollbacks',
  'recovered',
  'unrecovered',
  'commits',
  'commitsWithoutTime',
] as const satisfies readonly (keyof DailyRollup)[];

const zeroCounts = () =>
  Object.fromEntries(ROLLUP_COUNTS.map(count => [count, 0])) as Pick<
    DailyRollup,
    (typeof ROLLUP_COUNTS)[number]
  >;

/** A rollup being summed, with the histograms and deployment days it gathers until encoded. */
interface RollupInProgress {
  rollup: DailyRollup;
  lead: LogHistogram;
  recovery: LogHistogram;
  deploymentDays: Set<number>;
}

/**
 * Sums items into one rollup per service, stream and period (`periodOf` gives its day: the day
 * itself, or a week's Monday); `add` adds one item to the rollup of its group.
 */
function sumRollups<T extends { service: string; stream: string }>(
  items: readonly T[],
  periodOf: (item: T) => number,
  add: (group: RollupInProgress, item: T) => void,
): RollupInProgress[] {
  const groups = new Map<string, RollupInProgress>();
  for (const item of items) {
    const day = periodOf(item);
    const key = `${item.service}\u0000${item.stream}\u0000${day}`;
    let group = groups.get(key);
    if (!group) {
      const rollup: DailyRollup = {
        service: item.service,
        stream: item.stream,
        day,
        ...zeroCounts(),
        leadTimeHistogram: '',
        recoveryHistogram: '',
      };
      group = {
        rollup,
        lead: new LogHistogram(),
        recovery: new LogHistogram(),
        deploymentDays: new Set<number>(),
      };
      groups.set(key, group);
    }
    add(group, item);
  }
  return [...groups.values()];
}

const encodeHistograms = (group: RollupInProgress): DailyRollup => ({
  ...group.rollup,
  leadTimeHistogram: group.lead.encode(),
  recoveryHistogram: group.recovery.encode(),
});

function addFactToRollup(group: RollupInProgress, f: DeploymentFact): void {
  const r = group.rollup;
  r.deployments++;
  r.releases += Number(!f.repeatRollout);
  r.releaseRework += Number(!f.repeatRollout && f.rework);
  r.releaseFailures += Number(f.releaseFailure);
  r.repairedByFix += Number(f.repairedByFix);
  r.rework += Number(f.rework);
  r.inferred += Number(f.inferred);
  r.failed += Number(f.failed);
  r.failedViaFallback += Number(f.failedViaFallback);
  r.rolledBack += Number(f.rolledBack);
  r.linkedIncidents += f.linkedIncidents;
  r.rollbacks += f.rollbacks;
  r.commits += f.leadTimesMs.length;
  r.commitsWithoutTime += f.commitsWithoutTime;
  f.leadTimesMs.forEach(ms => group.lead.add(leadHours(ms)));
  if (f.failed) {
    if (f.recoveredAt === null) {
      r.unrecovered++;
    } else {
      r.recovered++;
      group.recovery.add(recoveryHours(f));
    }
  }
}

/** Sums facts into one rollup per service, stream and day. */
export function rollupFacts(facts: DeploymentFact[]): DailyRollup[] {
  return sumRollups(facts, f => dayOf(f.finishedAt), addFactToRollup).map(
    encodeHistograms,
  );
}

/** Monday (days since the epoch) of the UTC week containing `day`. */
export function weekStartDay(day: number): number {
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
  return day - ((day + 3) % 7);
}

function addDayToWeek(group: RollupInProgress, daily: DailyRollup): void {
  const week = group.rollup;
  ROLLUP_COUNTS.forEach(count => (week[count] += daily[count]));
  group.lead.merge(daily.leadTimeHistogram);
  group.recovery.merge(daily.recoveryHistogram);
  if (daily.deployments > 0) {
    group.deploymentDays.add(daily.day);
  }
}

/** Sums daily rollups into one rollup per service, stream and week (`day` = the week's Monday). */
export function weeklyRollups(daily: DailyRollup[]): DailyRollup[] {
  return sumRollups(daily, r => weekStartDay(r.day), addDayToWeek).map(
    group => ({
      ...encodeHistograms(group),
      deploymentDays: JSON.stringify(
        [...group.deploymentDays].sort((a, b) => a - b),
      ),
    }),
  );
}

/** Running totals for one scope and window, fed by facts (exact) and rollups (histograms). */
export class MetricTally {
  deployments = 0;
  releases = 0;
  releaseRework = 0;
  releaseFailures = 0;
  repairedByFix = 0;
  failedRollouts = 0;
  rework = 0;
  inferred = 0;
  failed = 0;
  failedViaFallback = 0;
  rolledBack = 0;
  linkedIncidents = 0;
  rollbacks = 0;
  unrecovered = 0;
  commitsWithoutTime = 0;
  readonly days = new Set<number>();
  readonly services = new Set<string>();
  /** Services with a deployment whose commits came from timestamp inference. */
  readonly inferredServices = new Set<string>();
  readonly unlinkedByService = new Map<string, number>();
  readonly leadTimes = new Samples();
  readonly recoveryTimes = new Samples();

  addFact(f: DeploymentFact): void {
    this.deployments++;
    this.releases += Number(!f.repeatRollout);
    this.releaseRework += Number(!f.repeatRollout && f.rework);
    this.releaseFailures += Number(f.releaseFailure);
    this.repairedByFix += Number(f.repairedByFix);
    this.days.add(dayOf(f.finishedAt));
    this.services.add(f.service);
    this.rework += Number(f.rework);
    this.inferred += Number(f.inferred);
    if (f.inferred) {
      this.inferredServices.add(f.service);
    }
    this.commitsWithoutTime += f.commitsWithoutTime;
    f.leadTimesMs.forEach(ms => this.leadTimes.add(leadHours(ms)));
    if (f.failed) {
      this.failed++;
      this.failedViaFallback += Number(f.failedViaFallback);
      this.rolledBack += Number(f.rolledBack);
      this.linkedIncidents += f.linkedIncidents;
      this.rollbacks += f.rollbacks;
      if (f.recoveredAt === null) {
        this.unrecovered++;
      } else {
        this.recoveryTimes.add(recoveryHours(f));
      }
    }
  }

  /** Adds a daily rollup, or a weekly one (which lists the days it had deployments on). */
  addRollup(r: DailyRollup): void {
    if (r.deployments > 0) {
      const days =
        typeof r.deploymentDays === 'string'
          ? (JSON.parse(r.deploymentDays) as number[])
          : r.deploymentDays ?? [r.day];
      days.forEach(day => this.days.add(day));
      this.services.add(r.service);
    }
    this.deployments += r.deployments;
    this.releases += r.releases;
    this.releaseRework += r.releaseRework;
    this.releaseFailures += r.releaseFailures;
    this.repairedByFix += r.repairedByFix;
    this.rework += r.rework;
    this.inferred += r.inferred;
    if (r.inferred > 0) {
      this.inferredServices.add(r.service);
    }
    this.commitsWithoutTime += r.commitsWithoutTime;
    this.failed += r.failed;
    this.failedViaFallback += r.failedViaFallback;
    this.rolledBack += r.rolledBack;
    this.linkedIncidents += r.linkedIncidents;
    this.rollbacks += r.rollbacks;
    this.unrecovered += r.unrecovered;
    if (r.commits > 0) {
      this.leadTimes.mergeHistogram(r.leadTimeHistogram);
    }
    if (r.recovered > 0) {
      this.recoveryTimes.mergeHistogram(r.recoveryHistogram);
    }
  }

  addFailedRollouts(count: number): void {
    this.failedRollouts += count;
  }

  addUnlinkedIncidents(service: string, count: number): void {
    this.unlinkedByService.set(
      service,
      (this.unlinkedByService.get(service) ?? 0) + count,
    );
  }

  /** Unlinked incidents of the services that deployed in the window. */
  unlinkedIncidents(): number {
    let sum = 0;
    for (const [service, count] of this.unlinkedByService) {
      if (this.services.has(service)) {
        sum += count;
      }
    }
    return sum;
  }
}
