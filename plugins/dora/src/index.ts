/**
 * DORA dashboards for the new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { doraApiRef } from './api/DoraApi';
export type { DoraApi, DoraMetricsRequest } from './api/DoraApi';
export { useDoraScorecard } from './scorecard/useDoraScorecard';
export type { DoraScorecard } from './scorecard/useDoraScorecard';
export { doraPageQuery } from './pageQuery';
export type { DoraPageState } from './pageQuery';
export { EntityName } from './components/BreakdownTable';
