import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Importing tickets (CSV upload or API) into the self-service comparison. The portal's policy
 * keeps it to the platform team. Reading the dashboards uses `leadership.dashboards.read` from
 * the leadership-common plugin.
 *
 * @public
 */
export const adoptionTicketsImportPermission = createPermission({
  name: 'adoption.tickets.import',
  attributes: { action: 'create' },
});

/**
 * Every permission this package defines, for registration with the permissions registry.
 *
 * @public
 */
export const adoptionPermissions = [adoptionTicketsImportPermission];
