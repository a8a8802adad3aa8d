import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Requesting a PostgreSQL database for a component. A resource permission on the component's
 * catalog entity, so the portal's policy can limit it to the component's owners.
 *
 * @public
 */
export const crossplanePostgresCreatePermission = createPermission({
  name: 'crossplane.postgres.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Requesting a database in the namespace of a team one is not a member of. Without it a user may
 * only use their own teams' namespaces; the portal's policy grants it to the platform team alone.
 *
 * @public
 */
export const crossplanePostgresCreateForAnyTeamPermission = createPermission({
  name: 'crossplane.postgres.create-for-any-team',
  attributes: { action: 'create' },
});

/** All permissions of the crossplane plugin. @public */
export const crossplanePermissions = [
  crossplanePostgresCreatePermission,
  crossplanePostgresCreateForAnyTeamPermission,
];
