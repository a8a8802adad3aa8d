export * from './model';
export { analyse, dedupeDeployments, DEPLOYMENT_STATUS_RANK } from './analysis';
export type { Analysis, FailedDeployment } from './analysis';
export { computeMetricSet, computeTrend, DEFINITIONS } from './metrics';
export type { MetricOptions } from './metrics';
export { scopeEvents } from './scope';
export { median, ratio } from './statistics';
export { MAX_RANGE_DAYS, resolveWindow, weekStart, weeksOf } from './windows';
