/**
 * DORA dashboards for the new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { doraApiRef } from './api/DoraApi';
export type { DoraApi, DoraMetricsRequest } from './api/DoraApi';
