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

/** All permissions of the crossplane plugin. @public */
export const crossplanePermissions = [crossplanePostgresCreatePermission];
