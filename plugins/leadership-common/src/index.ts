/**
 * What the leadership dashboards (DORA and adoption) share: who may read them, and CSV export.
 *
 * @packageDocumentation
 */
export {
  leadershipDashboardsReadPermission,
  leadershipPermissions,
} from './permissions';
export { csvField, csvOfLines, downloadCsv, toCsv } from './csv';
