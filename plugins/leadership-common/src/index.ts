/**
 * Permissions shared by the leadership dashboards (DORA and adoption).
 *
 * @packageDocumentation
 */
export {
  leadershipDashboardsReadPermission,
  leadershipPermissions,
} from './permissions';
