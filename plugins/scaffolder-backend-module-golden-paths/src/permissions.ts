import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Upgrading a component to its golden path's latest version (`portal:template:upgrade`). A
 * resource permission on the component's catalog entity with the `update` action, so the portal's
 * policy allows it to the component's owners (and the platform team) only.
 *
 * @public
 */
export const goldenPathUpgradePermission = createPermission({
  name: 'portal.golden-path.upgrade',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});
