import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_ADMIN_TOKEN,
  startTestControlPlane as startPlane,
  testClusterConfig,
} from '@internal/local-control-plane';
import {
  KubernetesClusterClient,
  PostgresProvisioningService,
} from '@internal/plugin-crossplane-node';
import { mockPostgresPolicy } from '@internal/plugin-crossplane-node/testUtils';

/**
 * A real local control plane (API only) and the real provisioning service with the portal's RBAC.
 * Tests play Crossplane by patching the XR's status.
 */
export async function startTestControlPlane(
  options: {
    /** Whether the catalog has the component (default: it has every one). */
    componentExists?: (ref: string) => Promise<boolean>;
  } = {},
) {
  const plane = await startPlane();
  const permissions = mockServices.permissions.mock();
  // A Payments engineer: allowed on the component, not in other teams' namespaces.
  mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.DENY });
  const provisioning = PostgresProvisioningService.create({
    client: KubernetesClusterClient.create({
      cluster: testClusterConfig(plane),
    }),
    teamNamespaces: { payments: 'team-payments', search: 'team-search' },
    componentExists: options.componentExists,
    permissions,
    // Every test user is a member of payments.
    userInfo: mockServices.userInfo.mock({
      getUserInfo: async () => ({
        userEntityRef: 'user:default/mock',
        ownershipEntityRefs: ['user:default/mock', 'group:default/payments'],
      }),
    }),
    logger: mockServices.logger.mock(),
    pollIntervalMs: 20,
  });

  const xrUrl = (name = '') =>
    `${
      plane.url
    }/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances${
      name ? `/${name}` : ''
    }`;
  const admin = (url: string, init: RequestInit = {}) =>
    fetch(url, {
      ...init,
      headers: {
        authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
        'content-type': 'application/merge-patch+json',
      },
    });

  return {
    plane,
    permissions,
    provisioning,
    async xrNames(): Promise<string[]> {
      const list = (await (await admin(xrUrl())).json()) as {
        items: { metadata: { name: string } }[];
      };
      return list.items.map(i => i.metadata.name);
    },
    /** Sets status conditions as Crossplane would, once the XR exists. */
    async setStatus(name: string, status: object) {
      for (;;) {
        const response = await admin(`${xrUrl(name)}/status`, {
          method: 'PATCH',
          body: JSON.stringify({ status }),
        });
        if (response.status === 200) return;
        if (response.status !== 404) {
          throw new Error(`status patch failed: ${response.status}`);
        }
        await new Promise(r => setTimeout(r, 10));
      }
    },
    stop: () => plane.stop(),
  };
}

export const READY_STATUS = {
  endpoint: 'postgres.example:5432',
  conditions: [
    { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
    { type: 'Ready', status: 'True', reason: 'Available' },
  ],
};
