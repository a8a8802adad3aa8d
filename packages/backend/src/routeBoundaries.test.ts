import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigSources } from '@backstage/config-loader';
import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

// The portal's own routes that are not for everyone, through the real permission backend with the
// portal's policy and the groups of app-config.yaml (docs/security.md lists the same boundaries).

const rootDir = resolve(__dirname, '../../..');

const people = {
  team: ['user:default/priya.raman', 'group:default/payments'],
  leadership: ['user:default/amara.okafor', 'group:default/leadership'],
  platform: ['user:default/chloe.dubois', 'group:default/platform'],
} as const;
type Person = keyof typeof people;

async function portalPermissionsConfig() {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({
      argv: ['node', 'x', '--config', resolve(rootDir, 'app-config.yaml')],
      rootDir,
      substitutionFunc: async () => undefined,
    }),
  );
  const permissions = config.get('portal.permissions');
  config.close();
  return permissions;
}

describe("the portal's restricted routes, through the permission backend and the portal's policy", () => {
  let baseUrl: string;

  beforeAll(async () => {
    const { server } = await startTestBackend({
      features: [
        require('@backstage/plugin-permission-backend').default,
        require('@internal/plugin-permission-backend-module-portal-policy')
          .default,
        require('@internal/plugin-dora-backend').default,
        require('@internal/plugin-adoption-backend').default,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            portal: { permissions: await portalPermissionsConfig() },
            dora: {
              sources: { deployer: { token: 'deployer-token-0123456789' } },
            },
            adoption: {
              analytics: {
                identity: 'hash',
                salt: 'route-boundaries-salt-0001',
              },
            },
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const userEntityRef = (
              credentials.principal as { userEntityRef: string }
            ).userEntityRef;
            const person = Object.values(people).find(
              p => p[0] === userEntityRef,
            )!;
            return { userEntityRef, ownershipEntityRefs: [...person] };
          },
        }).factory,
      ],
    });
    baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
    // Four plugins run their migrations first; under the full suite's load that takes longer than
    // Jest's default five seconds for a hook.
  }, 60_000);

  const as = (person: Person) => ({
    authorization: mockCredentials.user.header(people[person][0]),
  });

  it('shows DORA events no component claims (/api/dora/unmapped) to the platform team only', async () => {
    const statuses: Record<string, number> = {};
    for (const person of Object.keys(people) as Person[]) {
      const res = await fetch(`${baseUrl}/api/dora/unmapped`, {
        headers: as(person),
      });
      await res.arrayBuffer();
      statuses[person] = res.status;
    }
    expect(statuses).toEqual({ team: 403, leadership: 403, platform: 200 });
  });

  it('takes adoption events from services only, never from a signed-in user (not even the platform team)', async () => {
    const event = {
      id: 'task-1:template-run',
      type: 'template-run',
      occurredAt: new Date().toISOString(),
      templateRef: 'template:default/typescript-service',
      templateVersion: '1.0.0',
      taskId: 'task-1',
      entityRef: 'component:default/orders',
      owner: 'group:default/payments',
      kind: 'service',
      status: 'completed',
      durationMs: 42000,
    };
    const post = async (authorization: string) => {
      const res = await fetch(`${baseUrl}/api/adoption/events`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [event] }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    expect({
      team: await post(as('team').authorization),
      platform: await post(as('platform').authorization),
    }).toEqual({ team: 403, platform: 403 });
    expect(await post(mockCredentials.service.header())).toBeLessThan(300);
  });
});
