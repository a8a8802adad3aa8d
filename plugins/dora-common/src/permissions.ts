import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading DORA metrics of a team, service or deploy stream. Organisation-wide figures additionally
 * need `leadership.dashboards.read` from the leadership-common plugin.
 *
 * @public
 */
export const doraMetricsReadPermission = createPermission({
  name: 'dora.metrics.read',
  attributes: { action: 'read' },
});

/**
 * Listing events whose service could not be mapped to a catalog component (for the platform team).
 *
 * @public
 */
export const doraUnmappedReadPermission = createPermission({
  name: 'dora.unmapped.read',
  attributes: { action: 'read' },
});

/**
 * Every permission this package defines, for registration with the permissions registry.
 *
 * @public
 */
export const doraPermissions = [
  doraMetricsReadPermission,
  doraUnmappedReadPermission,
];
