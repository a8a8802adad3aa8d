export * from './model';
export {
  analyse,
  dedupeDeployments,
  DEPLOYMENT_STATUS_RANK,
  failureStartOf,
  RELEASE_SPREAD_MS,
  recoveryOf,
  REPAIR_WINDOW_MS,
} from './analysis';
export type { Analysis, FailedDeployment } from './analysis';
export {
  computeMetricSet,
  computeTrend,
  DEFINITIONS,
  metricSetFromTally,
  serviceMetricSets,
  tallyAnalysis,
  trendPointFromTally,
} from './metrics';
export type { TallyOptions } from './metrics';
export { ceilDay, dayOf, extractFacts, floorDay } from './facts';
export type { DeploymentFact, FailedRollout, UnlinkedIncident } from './facts';
export { deploymentDaysOf } from './deploymentDays';
export type { EncodedHistogram } from './histogram';
export {
  bucketOf,
  bucketValue,
  HISTOGRAM_RELATIVE_ERROR,
  LogHistogram,
} from './histogram';
export {
  EXACT_SAMPLE_LIMIT,
  MetricTally,
  rollupFacts,
  weekStartDay,
  weeklyRollups,
} from './tally';
export type { DailyRollup } from './tally';
export type { MetricOptions } from './metrics';
export { scopeEvents } from './scope';
export { median, ratio } from './statistics';
export { MAX_RANGE_DAYS, resolveWindow, weekStart, weeksOf } from './windows';
