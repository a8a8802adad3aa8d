import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading the organisation-wide DORA and adoption dashboards. The portal's policy grants it to the
 * groups listed in `portal.permissions.leadershipGroups` and to the platform team.
 *
 * @public
 */
export const leadershipDashboardsReadPermission = createPermission({
  name: 'leadership.dashboards.read',
  attributes: { action: 'read' },
});

/**
 * Every permission this package defines, for registration with the permissions registry.
 *
 * @public
 */
export const leadershipPermissions = [leadershipDashboardsReadPermission];
