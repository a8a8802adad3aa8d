/**
 * What the leadership dashboards (DORA and adoption) share: who may read them, their windows, and CSV export.
 *
 * @packageDocumentation
 */
export {
  leadershipDashboardsReadPermission,
  leadershipPermissions,
} from './permissions';
export {
  DASHBOARD_WINDOW_DAYS,
  DEFAULT_DASHBOARD_WINDOW_DAYS,
} from './windows';
export type { DashboardWindowDays } from './windows';
export type { AttentionItem, ScorecardFigure } from './attention';
export { csvField, csvOfLines, downloadCsv, toCsv } from './csv';
