import {
  classifyDoraBand,
  DoraBandYear,
  DoraCoverageWarning,
  DoraMetricResult,
  DoraMetricSet,
  DoraTrendPoint,
} from '@internal/plugin-dora-common';
import { Analysis, failureStartOf, recoveryOf } from './analysis';
import {
  DAY_MS,
  Deployment,
  HOUR_MS,
  inWindow,
  TimeWindow,
  windowDays,
} from './model';
import { median, ratio } from './statistics';
import { weekStart, weeksOf } from './windows';

export interface MetricOptions {
  bandYear: DoraBandYear;
  /** The fallback window used in `analyse`, quoted in the definition text. */
  fallbackWindowHours: number;
  /** Services known to have an incident source even if they reported no incident yet. */
  servicesWithIncidentSource?: ReadonlySet<string>;
}

export const DEFINITIONS = {
  deploymentFrequency:
    'Successful production deployments per day in the window (failed, cancelled and non-production deployments are not counted); also per week and days with at least one deployment.',
  changeLeadTime:
    'Median time from a commit being committed to the finish of the first successful production deployment containing it. Every commit counts, with or without a pull request.',
  changeFailureRate: (hours: number) =>
    `Share of successful production deployments that caused an incident or were rolled back. Incidents link to a deployment by deployment id or commit SHA; an incident without a link is attributed to the service's last deployment before it only if that deployment finished at most ${hours} hours earlier (counted as a fallback link).`,
  failedDeploymentRecoveryTime:
    'Median time from a failed deployment (or its first incident, whichever is earlier) to recovery: all its incidents resolved, a rollback, or the next successful hotfix or rollback deployment, whichever is first.',
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

function deploymentFrequency(
  deployments: Deployment[],
  window: TimeWindow,
  options: MetricOptions,
): DoraMetricResult {
  const days = windowDays(window);
  const perDay = ratio(deployments.length, days);
  const distinctDays = new Set(
    deployments.map(d => Math.floor(d.finishedAt! / DAY_MS)),
  );
  return {
    metric: 'deploymentFrequency',
    value: deployments.length === 0 ? 0 : perDay,
    unit: 'deploymentsPerDay',
    definition: DEFINITIONS.deploymentFrequency,
    numerator: {
      label: 'successful production deployments',
      value: deployments.length,
    },
    denominator: { label: 'days in window', value: days },
    eventCount: deployments.length,
    band: classifyDoraBand('deploymentFrequency', perDay, options.bandYear),
    warnings:
      deployments.length === 0
        ? [
            warning(
              'no-deployments',
              'No successful production deployment in the window.',
            ),
          ]
        : [],
    details: {
      deploymentsPerWeek: (deployments.length / days) * 7,
      daysWithDeployment: distinctDays.size,
    },
  };
}

function changeLeadTime(
  analysis: Analysis,
  deployments: Deployment[],
  window: TimeWindow,
  options: MetricOptions,
  include: (service: string) => boolean,
): DoraMetricResult {
  const samples = analysis.commitDeployments
    .filter(
      ({ deployment }) =>
        inWindow(deployment.finishedAt, window) && include(deployment.service),
    )
    .map(
      ({ change, deployment }) =>
        Math.max(0, deployment.finishedAt! - change.committedAt) / HOUR_MS,
    );
  const value = median(samples);
  const warnings: DoraCoverageWarning[] = [];
  const inferred = deployments.filter(d =>
    analysis.inferredDeployments.has(d),
  ).length;
  if (inferred > 0) {
    warnings.push(
      warning(
        'commits-inferred',
        `${plural(
          inferred,
          'deployment',
        )} reported no commit list; their commits were inferred as every commit of the service committed up to the deployed SHA.`,
      ),
    );
  }
  const withoutTime = deployments.reduce(
    (sum, d) => sum + (analysis.commitsWithoutTime.get(d) ?? 0),
    0,
  );
  if (deployments.length > 0 && samples.length === 0) {
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
      value: samples.length,
    },
    eventCount: samples.length + deployments.length,
    band: classifyDoraBand('changeLeadTime', value, options.bandYear),
    warnings,
    details: { commits: samples.length, commitsWithoutTime: withoutTime },
  };
}

function incidentCoverageWarnings(
  analysis: Analysis,
  deployments: Deployment[],
  window: TimeWindow,
  options: MetricOptions,
): DoraCoverageWarning[] {
  const warnings: DoraCoverageWarning[] = [];
  const services = [...new Set(deployments.map(d => d.service))];
  const silent = services.filter(
    s =>
      !analysis.servicesWithIncidents.has(s) &&
      !options.servicesWithIncidentSource?.has(s),
  );
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
  const serviceSet = new Set(services);
  const unlinked = analysis.incidents.filter(
    i =>
      inWindow(i.openedAt, window) &&
      !analysis.incidentLinks.has(i) &&
      serviceSet.has(i.service),
  ).length;
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
  analysis: Analysis,
  deployments: Deployment[],
  window: TimeWindow,
  options: MetricOptions,
): DoraMetricResult {
  const failed = deployments.filter(d => analysis.failures.has(d));
  const viaFallback = failed.filter(
    d => analysis.failures.get(d)!.viaFallback,
  ).length;
  const rolledBack = failed.filter(
    d => analysis.failures.get(d)!.rollbacks.length > 0,
  ).length;
  const value = ratio(failed.length, deployments.length);
  const warnings = incidentCoverageWarnings(
    analysis,
    deployments,
    window,
    options,
  );
  if (viaFallback > 0) {
    warnings.push(
      warning(
        'fallback-incident-links',
        `${plural(viaFallback, 'failed deployment')} of ${failed.length} ${
          viaFallback === 1 ? 'is' : 'are'
        } counted only through the ${
          options.fallbackWindowHours
        }-hour fallback (last deployment before an unlinked incident).`,
      ),
    );
  }
  const linkedIncidents = failed.reduce(
    (sum, d) => sum + analysis.failures.get(d)!.incidents.length,
    0,
  );
  return {
    metric: 'changeFailureRate',
    value,
    unit: 'ratio',
    definition: DEFINITIONS.changeFailureRate(options.fallbackWindowHours),
    numerator: {
      label: 'deployments linked to an incident or rolled back',
      value: failed.length,
    },
    denominator: {
      label: 'successful production deployments',
      value: deployments.length,
    },
    eventCount: deployments.length + linkedIncidents + rolledBack,
    band: classifyDoraBand('changeFailureRate', value, options.bandYear),
    warnings,
    details: {
      explicitlyLinked: failed.length - viaFallback,
      fallbackLinked: viaFallback,
      rolledBack,
    },
  };
}

function recoveryTime(
  analysis: Analysis,
  deployments: Deployment[],
  options: MetricOptions,
): DoraMetricResult {
  const failures = deployments
    .map(d => analysis.failures.get(d))
    .filter((f): f is NonNullable<typeof f> => f !== undefined);
  const samples: number[] = [];
  let unrecovered = 0;
  for (const failure of failures) {
    const end = recoveryOf(failure, analysis);
    if (end === null) {
      unrecovered++;
    } else {
      samples.push(Math.max(0, end - failureStartOf(failure)) / HOUR_MS);
    }
  }
  const value = median(samples);
  return {
    metric: 'failedDeploymentRecoveryTime',
    value,
    unit: 'hours',
    definition: DEFINITIONS.failedDeploymentRecoveryTime,
    numerator: { label: 'median hours to recover', value: value ?? 0 },
    denominator: {
      label: 'recovered failed deployments',
      value: samples.length,
    },
    eventCount: failures.reduce(
      (sum, f) => sum + 1 + f.incidents.length + f.rollbacks.length,
      0,
    ),
    band: classifyDoraBand(
      'failedDeploymentRecoveryTime',
      value,
      options.bandYear,
    ),
    warnings:
      unrecovered > 0
        ? [
            warning(
              'unresolved-incidents',
              `${plural(
                unrecovered,
                'failed deployment',
              )} not recovered yet and not counted.`,
            ),
          ]
        : [],
    details: { recovered: samples.length, unrecovered },
  };
}

function reworkRate(
  analysis: Analysis,
  deployments: Deployment[],
): DoraMetricResult {
  const rework = deployments.filter(d => analysis.rework.has(d)).length;
  return {
    metric: 'deploymentReworkRate',
    value: ratio(rework, deployments.length),
    unit: 'ratio',
    definition: DEFINITIONS.deploymentReworkRate,
    numerator: { label: 'hotfix and rollback deployments', value: rework },
    denominator: {
      label: 'successful production deployments',
      value: deployments.length,
    },
    eventCount: deployments.length,
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

/**
 * All five metrics for one window, optionally for a subset of the analysed services (a team out of
 * the organisation: links between incidents and deployments never cross services, so one analysis
 * serves every subset).
 */
export function computeMetricSet(
  analysis: Analysis,
  window: TimeWindow,
  options: MetricOptions,
  include: (service: string) => boolean = () => true,
): DoraMetricSet {
  const deployments = analysis.deployments.filter(
    d => inWindow(d.finishedAt, window) && include(d.service),
  );
  return {
    deploymentFrequency: deploymentFrequency(deployments, window, options),
    changeLeadTime: changeLeadTime(
      analysis,
      deployments,
      window,
      options,
      include,
    ),
    changeFailureRate: changeFailureRate(
      analysis,
      deployments,
      window,
      options,
    ),
    failedDeploymentRecoveryTime: recoveryTime(analysis, deployments, options),
    deploymentReworkRate: reworkRate(analysis, deployments),
  };
}

/** The weekly series (Monday-based UTC weeks, clipped to the window). */
export function computeTrend(
  analysis: Analysis,
  window: TimeWindow,
  options: MetricOptions,
): DoraTrendPoint[] {
  return weeksOf(window).map(week => {
    const set = computeMetricSet(analysis, week, options);
    return {
      weekStart: new Date(weekStart(week.from)).toISOString(),
      deploymentsPerDay: set.deploymentFrequency.value,
      changeLeadTimeHours: set.changeLeadTime.value,
      changeFailureRate: set.changeFailureRate.value,
      failedDeploymentRecoveryTimeHours: set.failedDeploymentRecoveryTime.value,
      deploymentReworkRate: set.deploymentReworkRate.value,
      deployments: set.deploymentFrequency.numerator.value,
    };
  });
}
