import {
  classifyDoraBand,
  DoraBandYear,
  DoraCoverageWarning,
  DoraMetricResult,
  DoraMetricSet,
  DoraTrendPoint,
} from '@internal/plugin-dora-common';
import { Analysis } from './analysis';
import { extractFacts } from './facts';
import { HISTOGRAM_RELATIVE_ERROR } from './histogram';
import { TimeWindow, windowDays } from './model';
import { ratio } from './statistics';
import { EXACT_SAMPLE_LIMIT, MetricTally } from './tally';
import { weekStart, weeksOf } from './windows';

export interface MetricOptions {
  bandYear: DoraBandYear;
  /** The fallback window used in `analyse`, quoted in the definition text. */
  fallbackWindowHours: number;
  /** Services known to have an incident source even if they reported no incident yet. */
  servicesWithIncidentSource?: ReadonlySet<string>;
}

/** What a tally needs besides its counts: whether a service has an incident source at all. */
export interface TallyOptions extends MetricOptions {
  hasIncidentSource: (service: string) => boolean;
}

const PERCENT_ERROR = `${(HISTOGRAM_RELATIVE_ERROR * 100).toFixed(1)}%`;
const MEDIAN_NOTE = `Exact up to ${EXACT_SAMPLE_LIMIT.toLocaleString(
  'en-US',
)} samples in scope; above that the median is read from daily log-bucket histograms and is within ${PERCENT_ERROR} of the exact value.`;

export const DEFINITIONS = {
  deploymentFrequency:
    'Successful production deployments per day in the window (failed, cancelled and non-production deployments are not counted); also per week and days with at least one deployment.',
  changeLeadTime: `Median time from a commit being committed to the finish of the first successful production deployment of its service containing it (a deploy stream's figure counts the commits it shipped first). Every commit counts, with or without a pull request. ${MEDIAN_NOTE}`,
  changeFailureRate: (hours: number) =>
    `Share of successful production deployments that caused an incident or were rolled back. Incidents link to a deployment by deployment id or commit SHA; an incident without a link is attributed to the service's last deployment before it only if that deployment finished at most ${hours} hours earlier (counted as a fallback link).`,
  failedDeploymentRecoveryTime: `Median time from a failed deployment (or its first incident, whichever is earlier) to recovery: all its incidents resolved, a rollback, or the next successful hotfix or rollback deployment, whichever is first. ${MEDIAN_NOTE}`,
  deploymentReworkRate:
    'Share of successful production deployments that were unplanned, made to fix a problem in production (hotfix or rollback deployments).',
};

function warning(
  code: DoraCoverageWarning['code'],
  message: string,
): DoraCoverageWarning {
  return { code, message };
}

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
  const count = tally.deployments;
  const perDay = ratio(count, days);
  return {
    metric: 'deploymentFrequency',
    value: count === 0 ? 0 : perDay,
    unit: 'deploymentsPerDay',
    definition: DEFINITIONS.deploymentFrequency,
    numerator: { label: 'successful production deployments', value: count },
    denominator: { label: 'days in window', value: days },
    eventCount: count,
    band: classifyDoraBand('deploymentFrequency', perDay, options.bandYear),
    warnings:
      count === 0
        ? [
            warning(
              'no-deployments',
              'No successful production deployment in the window.',
            ),
          ]
        : [],
    details: {
      deploymentsPerWeek: (count / days) * 7,
      daysWithDeployment: tally.days.size,
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
    warnings.push(
      warning(
        'commits-inferred',
        `${plural(
          tally.inferred,
          'deployment',
        )} reported no commit list; their commits were inferred as every commit of the service committed up to the deployed SHA.`,
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
  const { failed, failedViaFallback: viaFallback, rolledBack } = tally;
  const value = ratio(failed, tally.deployments);
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
  return {
    metric: 'changeFailureRate',
    value,
    unit: 'ratio',
    definition: DEFINITIONS.changeFailureRate(options.fallbackWindowHours),
    numerator: {
      label: 'deployments linked to an incident or rolled back',
      value: failed,
    },
    denominator: {
      label: 'successful production deployments',
      value: tally.deployments,
    },
    eventCount: tally.deployments + tally.linkedIncidents + rolledBack,
    band: classifyDoraBand('changeFailureRate', value, options.bandYear),
    warnings,
    details: {
      explicitlyLinked: failed - viaFallback,
      fallbackLinked: viaFallback,
      rolledBack,
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

function reworkRate(tally: MetricTally): DoraMetricResult {
  return {
    metric: 'deploymentReworkRate',
    value: ratio(tally.rework, tally.deployments),
    unit: 'ratio',
    definition: DEFINITIONS.deploymentReworkRate,
    numerator: {
      label: 'hotfix and rollback deployments',
      value: tally.rework,
    },
    denominator: {
      label: 'successful production deployments',
      value: tally.deployments,
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

/** All five metrics from a tally of one scope and window. */
export function metricSetFromTally(
  tally: MetricTally,
  window: TimeWindow,
  options: TallyOptions,
): DoraMetricSet {
  return {
    deploymentFrequency: deploymentFrequency(tally, window, options),
    changeLeadTime: changeLeadTime(tally, options),
    changeFailureRate: changeFailureRate(tally, options),
    failedDeploymentRecoveryTime: recoveryTime(tally, options),
    deploymentReworkRate: reworkRate(tally),
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
  const { facts, unlinked } = extractFacts(analysis, window);
  const tally = new MetricTally();
  facts.filter(f => include(f.service)).forEach(f => tally.addFact(f));
  unlinked
    .filter(i => include(i.service))
    .forEach(i => tally.addUnlinkedIncidents(i.service, 1));
  return tally;
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
  return metricSetFromTally(
    tallyAnalysis(analysis, window, include),
    window,
    analysisTallyOptions(analysis, options),
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
