/**
 * The portal's permission policy: owners act on their team's resources, the platform team
 * administers the portal, leadership groups read the organisation-wide dashboards.
 *
 * @packageDocumentation
 */
export { permissionModulePortalPolicy as default } from './module';
export { PortalPermissionPolicy } from './PortalPermissionPolicy';
export { readPortalPolicySettings } from './config';
export type { PortalPolicySettings } from './config';
