import {
  classifyDeploymentFrequency,
  classifyDoraBand,
  DORA_BANDS,
  DORA_METRIC_IDS,
  DoraBand,
  DoraBandYear,
  DoraCoverageWarning,
  DoraMetricResult,
  DoraMetricSet,
  DoraScope,
  DoraServiceDistribution,
  DoraTrendPoint,
  hasDoraBand,
} from '@internal/plugin-dora-common';
import { Analysis } from './analysis';
import { deploymentDaysOf } from './deploymentDays';
import { extractFacts } from './facts';
import { HISTOGRAM_RELATIVE_ERROR } from './histogram';
import { TimeWindow, windowDays } from './model';
import { median, ratio } from './statistics';
import { EXACT_SAMPLE_LIMIT, MetricTally } from './tally';
import { weekStart, weeksOf } from './windows';

export interface MetricOptions {
  bandYear: DoraBandYear;
  /** The fallback window used in `analyse`, quoted in the definition text. */
  fallbackWindowHours: number;
  /** Services known to have an incident source even if they reported no incident yet. */
  servicesWithIncidentSource?: ReadonlySet<string>;
  /**
   * `stream` counts every rollout; `service` (default) counts a release rolled out to several
   * streams of a service once.
   */
  level?: 'stream' | 'service';
  /**
   * Team and organisation scopes report the distribution of per-service figures (their median,
   * and the band at least half of the services reach); other scopes (default) their own figure.
   */
  scope?: DoraScope;
}

/** What a tally needs besides its counts: whether a service has an incident source at all. */
export interface TallyOptions extends MetricOptions {
  hasIncidentSource: (service: string) => boolean;
}

const PERCENT_ERROR = `${(HISTOGRAM_RELATIVE_ERROR * 100).toFixed(2)}%`;
const ROLL_UP_NOTE =
  ' Team and organisation: the median of the services\u2019 own figures, and the band at least half of the services reach (never a band of a sum); the working shows the services\u2019 totals.';
const MEDIAN_NOTE = `Exact up to ${EXACT_SAMPLE_LIMIT.toLocaleString(
  'en-US',
)} samples in scope; above that the median is read from daily log-bucket histograms and is within ${PERCENT_ERROR} of the exact value.`;

export const DEFINITIONS = {
  deploymentFrequency:
    'Successful production deployments per day in the window (failed, cancelled and non-production deployments are not counted; a release rolled out to several deploy streams of a service counts once for the service). The band comes from deployment days, as Four Keys and DevLake do: on demand (elite) when the median week has 3 or more deployment days with 2 or more deployments per deployment day, daily to weekly (high) when the median week has one, weekly to monthly (medium) when the median 30-day month has one, else low.',
  changeLeadTime: `Median time from a commit being committed to the finish of the first successful production deployment of its service containing it (a deploy stream's figure counts the commits it shipped first). Every commit counts, with or without a pull request. ${MEDIAN_NOTE}`,
  changeFailureRate: (hours: number) =>
    `Share of successful production deployments (a release rolled out to several deploy streams counts once for the service) that caused an incident, were rolled back, or needed a hotfix or rollback deployment (the regular deployment of the stream that such a fix followed within 7 days). Incidents link to a deployment by deployment id or commit SHA; an incident without a link is attributed to the service's last deployment before it only if that deployment finished at most ${hours} hours earlier (counted as a fallback link).`,
  failedDeploymentRecoveryTime: `Median time from a failed deployment (or its first incident, whichever is earlier; for a failure known only from an incident linked by the time fallback, from the incident's opening) to recovery: all its incidents resolved; while an incident is open, a rollback of it or the first hotfix or rollback deployment of its stream after the incident opened; without incidents, a rollback of it or the next hotfix or rollback deployment of its stream. ${MEDIAN_NOTE}`,
  deploymentReworkRate:
    'Share of successful production deployments that were unplanned, made to fix a problem in production (hotfix or rollback deployments).',
};

function warning(
  code: DoraCoverageWarning['code'],
  message: string,
): DoraCoverageWarning {
  return { code, message };
}

/** How many services the timestamp-inference note names before "and N more". */
const INFERRED_SERVICES_NAMED = 5;

const formatShare = (share: number) =>
  `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function approximationWarning(
  samples: number,
  what: string,
): DoraCoverageWarning {
  return warning(
    'approximate-median',
    `Median of ${samples.toLocaleString(
      'en-US',
    )} ${what} read from a log-bucket histogram: within ${PERCENT_ERROR} of the exact value.`,
  );
}

function deploymentFrequency(
  tally: MetricTally,
  window: TimeWindow,
  options: MetricOptions,
): DoraMetricResult {
  const days = windowDays(window);
  const count = options.level === 'stream' ? tally.deployments : tally.releases;
  const perDay = ratio(count, days);
  const deploymentDays = deploymentDaysOf(tally.days, count, window);
  const warnings: DoraCoverageWarning[] = [];
  if (count === 0) {
    warnings.push(
      warning(
        'no-deployments',
        'No successful production deployment in the window.',
      ),
    );
  }
  if (tally.failedRollouts > 0) {
    warnings.push(
      warning(
        'failed-rollouts',
        `${plural(
          tally.failedRollouts,
          'production rollout',
        )} failed in the window (not counted as deployments).`,
      ),
    );
  }
  return {
    metric: 'deploymentFrequency',
    value: count === 0 ? 0 : perDay,
    unit: 'deploymentsPerDay',
    definition: DEFINITIONS.deploymentFrequency,
    numerator: { label: 'successful production deployments', value: count },
    denominator: { label: 'days in window', value: days },
    eventCount: tally.deployments + tally.failedRollouts,
    band: classifyDeploymentFrequency(count === 0 ? null : deploymentDays),
    warnings,
    details: {
      deploymentsPerWeek: (count / days) * 7,
      daysWithDeployment: tally.days.size,
      ...deploymentDays,
      streamDeployments: tally.deployments,
      failedRollouts: tally.failedRollouts,
    },
  };
}

function changeLeadTime(
  tally: MetricTally,
  options: MetricOptions,
): DoraMetricResult {
  const samples = tally.leadTimes.count;
  const { value, approximate } = tally.leadTimes.median();
  const warnings: DoraCoverageWarning[] = [];
  if (tally.inferred > 0) {
    const services = [...tally.inferredServices].sort();
    const named = services.slice(0, INFERRED_SERVICES_NAMED).join(', ');
    const more = services.length - INFERRED_SERVICES_NAMED;
    warnings.push(
      warning(
        'commits-inferred',
        `${tally.inferred} of ${plural(
          tally.deployments,
          'deployment',
        )} (${formatShare(
          tally.inferred / Math.max(tally.deployments, 1),
        )}) got their commits by timestamp inference (every commit of the service committed up to the deployed SHA and not shipped before): they reported no commit list, and no push or compare range leads from their SHA to an earlier deployment's. ${
          services.length === 1 ? 'Service' : 'Services'
        }: ${named}${more > 0 ? ` and ${more} more` : ''}.`,
      ),
    );
  }
  const withoutTime = tally.commitsWithoutTime;
  if (tally.deployments > 0 && samples === 0) {
    warnings.push(
      warning(
        'no-changes',
        'Deployments were found but no commit times: connect a source of push events or report changes.',
      ),
    );
  } else if (withoutTime > 0) {
    warnings.push(
      warning(
        'no-changes',
        `${plural(
          withoutTime,
          'deployed commit',
        )} had no commit time and could not be measured.`,
      ),
    );
  }
  if (approximate) {
    warnings.push(approximationWarning(samples, 'commits'));
  }
  return {
    metric: 'changeLeadTime',
    value,
    unit: 'hours',
    definition: DEFINITIONS.changeLeadTime,
    numerator: {
      label: 'median hours from commit to production',
      value: value ?? 0,
    },
    denominator: {
      label: 'commits first deployed in the window',
      value: samples,
    },
    eventCount: samples + tally.deployments,
    band: classifyDoraBand('changeLeadTime', value, options.bandYear),
    warnings,
    details: {
      commits: samples,
      commitsWithoutTime: withoutTime,
      ...(approximate
        ? { approximate: 1, relativeError: HISTOGRAM_RELATIVE_ERROR }
        : {}),
    },
  };
}

function incidentCoverageWarnings(
  tally: MetricTally,
  options: TallyOptions,
): DoraCoverageWarning[] {
  const warnings: DoraCoverageWarning[] = [];
  const silent = [...tally.services]
    .filter(s => !options.hasIncidentSource(s))
    .sort();
  if (silent.length > 0) {
    warnings.push(
      warning(
        'no-incident-source',
        `${plural(
          silent.length,
          'service',
        )} deployed but never reported an incident (no incident source?): ${silent
          .slice(0, 10)
          .join(', ')}${silent.length > 10 ? ', ...' : ''}.`,
      ),
    );
  }
  const unlinked = tally.unlinkedIncidents();
  if (unlinked > 0) {
    warnings.push(
      warning(
        'unlinked-incidents',
        `${plural(
          unlinked,
          'incident',
        )} in the window could not be linked to a deployment and are not counted.`,
      ),
    );
  }
  return warnings;
}

function changeFailureRate(
  tally: MetricTally,
  options: TallyOptions,
): DoraMetricResult {
  const { failedViaFallback: viaFallback, rolledBack, repairedByFix } = tally;
  const perStream = options.level === 'stream';
  const failed = perStream ? tally.failed : tally.releaseFailures;
  const deployments = perStream ? tally.deployments : tally.releases;
  const value = ratio(failed, deployments);
  const warnings = incidentCoverageWarnings(tally, options);
  if (viaFallback > 0) {
    warnings.push(
      warning(
        'fallback-incident-links',
        `${plural(viaFallback, 'failed deployment')} of ${failed} ${
          viaFallback === 1 ? 'is' : 'are'
        } counted only through the ${
          options.fallbackWindowHours
        }-hour fallback (last deployment before an unlinked incident).`,
      ),
    );
  }
  if (!hasDoraBand('changeFailureRate', options.bandYear)) {
    warnings.push(
      warning(
        'no-band-defined',
        'The 2024 DORA report prints change failure rates of 5 %, 20 %, 10 % and 40 % for elite, high, medium and low: not monotonic, so no band is given (2023 bands give one).',
      ),
    );
  }
  return {
    metric: 'changeFailureRate',
    value,
    unit: 'ratio',
    definition: DEFINITIONS.changeFailureRate(options.fallbackWindowHours),
    numerator: {
      label:
        'deployments linked to an incident, rolled back or followed by a hotfix or rollback deployment',
      value: failed,
    },
    denominator: {
      label: 'successful production deployments',
      value: deployments,
    },
    eventCount: tally.deployments + tally.linkedIncidents + rolledBack,
    band: classifyDoraBand('changeFailureRate', value, options.bandYear),
    warnings,
    details: {
      explicitlyLinked: tally.failed - viaFallback - repairedByFix,
      fallbackLinked: viaFallback,
      rolledBack,
      repairedByFix,
    },
  };
}

function recoveryTime(
  tally: MetricTally,
  options: MetricOptions,
): DoraMetricResult {
  const recovered = tally.recoveryTimes.count;
  const { value, approximate } = tally.recoveryTimes.median();
  const warnings: DoraCoverageWarning[] = [];
  if (tally.unrecovered > 0) {
    warnings.push(
      warning(
        'unresolved-incidents',
        `${plural(
          tally.unrecovered,
          'failed deployment',
        )} not recovered yet and not counted.`,
      ),
    );
  }
  if (approximate) {
    warnings.push(approximationWarning(recovered, 'recoveries'));
  }
  return {
    metric: 'failedDeploymentRecoveryTime',
    value,
    unit: 'hours',
    definition: DEFINITIONS.failedDeploymentRecoveryTime,
    numerator: { label: 'median hours to recover', value: value ?? 0 },
    denominator: { label: 'recovered failed deployments', value: recovered },
    eventCount: tally.failed + tally.linkedIncidents + tally.rollbacks,
    band: classifyDoraBand(
      'failedDeploymentRecoveryTime',
      value,
      options.bandYear,
    ),
    warnings,
    details: {
      recovered,
      unrecovered: tally.unrecovered,
      ...(approximate
        ? { approximate: 1, relativeError: HISTOGRAM_RELATIVE_ERROR }
        : {}),
    },
  };
}

function reworkRate(
  tally: MetricTally,
  options: MetricOptions,
): DoraMetricResult {
  const perStream = options.level === 'stream';
  const rework = perStream ? tally.rework : tally.releaseRework;
  const deployments = perStream ? tally.deployments : tally.releases;
  return {
    metric: 'deploymentReworkRate',
    value: ratio(rework, deployments),
    unit: 'ratio',
    definition: DEFINITIONS.deploymentReworkRate,
    numerator: {
      label: 'hotfix and rollback deployments',
      value: rework,
    },
    denominator: {
      label: 'successful production deployments',
      value: deployments,
    },
    eventCount: tally.deployments,
    band: null,
    warnings: [
      warning(
        'no-band-defined',
        'The DORA reports publish no bands for deployment rework rate.',
      ),
    ],
    details: {},
  };
}

/** Each service's own five metrics, for team and organisation figures (`metricSetFromTally`). */
export function serviceMetricSets(
  services: ReadonlyMap<string, MetricTally>,
  window: TimeWindow,
  options: TallyOptions,
): Map<string, DoraMetricSet> {
  const serviceOptions: TallyOptions = {
    ...options,
    scope: 'service',
    level: 'service',
  };
  return new Map(
    [...services].map(([service, tally]) => [
      service,
      metricSetFromTally(tally, window, serviceOptions),
    ]),
  );
}

/** All five metrics from a tally of one scope and window. */
export function metricSetFromTally(
  tally: MetricTally,
  window: TimeWindow,
  options: TallyOptions,
  /** Team and organisation scopes: each of their services' own metrics (`serviceMetricSets`). */
  services?: ReadonlyMap<string, DoraMetricSet>,
): DoraMetricSet {
  const set: DoraMetricSet = {
    deploymentFrequency: deploymentFrequency(tally, window, options),
    changeLeadTime: changeLeadTime(tally, options),
    changeFailureRate: changeFailureRate(tally, options),
    failedDeploymentRecoveryTime: recoveryTime(tally, options),
    deploymentReworkRate: reworkRate(tally, options),
  };
  if (
    services &&
    (options.scope === 'team' || options.scope === 'organisation')
  ) {
    const perService = [...services.values()];
    for (const id of DORA_METRIC_IDS) {
      set[id] = rollUpServices(
        set[id],
        perService.map(s => s[id]),
      );
    }
  }
  return set;
}

/**
 * A team's or the organisation's figure from its services' own figures: the median of their
 * values, the band at least half of them reach, and how they spread over the bands.
 */
function rollUpServices(
  pooled: DoraMetricResult,
  services: DoraMetricResult[],
): DoraMetricResult {
  const values = services
    .map(s => s.value)
    .filter((v): v is number => v !== null);
  const bands = Object.fromEntries(DORA_BANDS.map(b => [b, 0])) as Record<
    DoraBand,
    number
  >;
  let withoutBand = 0;
  for (const s of services) {
    if (s.band) {
      bands[s.band]++;
    } else if (s.value !== null) {
      withoutBand++;
    }
  }
  const banded =
    services.length - withoutBand - (services.length - values.length);
  let band: DoraBand | null = null;
  let reached = 0;
  for (const b of DORA_BANDS) {
    reached += bands[b];
    if (banded > 0 && reached * 2 >= banded) {
      band = b;
      break;
    }
  }
  const distribution: DoraServiceDistribution = {
    services: values.length,
    withoutValue: services.length - values.length,
    median: median(values),
    bands,
    withoutBand,
  };
  return {
    ...pooled,
    value: distribution.median,
    band,
    definition: `${pooled.definition}${ROLL_UP_NOTE}`,
    distribution,
  };
}

/** One trend point from a week's tally. */
export function trendPointFromTally(
  tally: MetricTally,
  week: TimeWindow,
  options: TallyOptions,
): DoraTrendPoint {
  const set = metricSetFromTally(tally, week, options);
  return {
    weekStart: new Date(weekStart(week.from)).toISOString(),
    deploymentsPerDay: set.deploymentFrequency.value,
    changeLeadTimeHours: set.changeLeadTime.value,
    changeFailureRate: set.changeFailureRate.value,
    failedDeploymentRecoveryTimeHours: set.failedDeploymentRecoveryTime.value,
    deploymentReworkRate: set.deploymentReworkRate.value,
    deployments: set.deploymentFrequency.numerator.value,
  };
}

/** Tally options for an in-memory analysis. */
function analysisTallyOptions(
  analysis: Analysis,
  options: MetricOptions,
): TallyOptions {
  return {
    ...options,
    hasIncidentSource: s =>
      analysis.servicesWithIncidents.has(s) ||
      Boolean(options.servicesWithIncidentSource?.has(s)),
  };
}

/** Tallies the facts of an analysis inside a window (optionally a subset of its services). */
export function tallyAnalysis(
  analysis: Analysis,
  window: TimeWindow,
  include: (service: string) => boolean = () => true,
): MetricTally {
  const { facts, unlinked, failedRollouts } = extractFacts(analysis, window);
  const tally = new MetricTally();
  facts.filter(f => include(f.service)).forEach(f => tally.addFact(f));
  unlinked
    .filter(i => include(i.service))
    .forEach(i => tally.addUnlinkedIncidents(i.service, 1));
  tally.addFailedRollouts(
    failedRollouts.filter(r => include(r.service)).length,
  );
  return tally;
}

/** One tally per analysed service with a deployment or incident in the window. */
function serviceTallies(
  analysis: Analysis,
  window: TimeWindow,
  include: (service: string) => boolean,
): Map<string, MetricTally> {
  const services = new Set(
    [
      ...analysis.deployments.map(d => d.service),
      ...analysis.incidents.map(i => i.service),
    ].filter(include),
  );
  const tallies = new Map<string, MetricTally>();
  for (const service of [...services].sort()) {
    const tally = tallyAnalysis(analysis, window, s => s === service);
    if (tally.deployments > 0 || tally.unlinkedByService.size > 0) {
      tallies.set(service, tally);
    }
  }
  return tallies;
}

/**
 * All five metrics for one window, optionally for a subset of the analysed services (a team out of
 * the organisation: links between incidents and deployments never cross services, so one analysis
 * serves every subset). The stored path (facts and rollups) computes through the same tally.
 */
export function computeMetricSet(
  analysis: Analysis,
  window: TimeWindow,
  options: MetricOptions,
  include: (service: string) => boolean = () => true,
): DoraMetricSet {
  const rolledUp = options.scope === 'team' || options.scope === 'organisation';
  const tallyOptions = analysisTallyOptions(analysis, options);
  return metricSetFromTally(
    tallyAnalysis(analysis, window, include),
    window,
    tallyOptions,
    rolledUp
      ? serviceMetricSets(
          serviceTallies(analysis, window, include),
          window,
          tallyOptions,
        )
      : undefined,
  );
}

/** The weekly series (Monday-based UTC weeks, clipped to the window). */
export function computeTrend(
  analysis: Analysis,
  window: TimeWindow,
  options: MetricOptions,
): DoraTrendPoint[] {
  return weeksOf(window).map(week =>
    trendPointFromTally(
      tallyAnalysis(analysis, week),
      week,
      analysisTallyOptions(analysis, options),
    ),
  );
}
