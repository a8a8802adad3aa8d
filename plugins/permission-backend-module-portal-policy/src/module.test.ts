import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageUserInfo } from '@backstage/backend-plugin-api';
import request from 'supertest';
import permissionBackend from '@backstage/plugin-permission-backend';
import permissionModulePortalPolicy from './index';

const people: Record<string, BackstageUserInfo> = {
  'user:default/amara.okafor': {
    userEntityRef: 'user:default/amara.okafor',
    ownershipEntityRefs: [
      'user:default/amara.okafor',
      'group:default/leadership',
    ],
  },
  'user:default/priya.raman': {
    userEntityRef: 'user:default/priya.raman',
    ownershipEntityRefs: ['user:default/priya.raman', 'group:default/payments'],
  },
};

async function startPermissionBackend() {
  const { server } = await startTestBackend({
    features: [
      permissionBackend,
      permissionModulePortalPolicy,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          portal: {
            permissions: {
              leadershipGroups: ['group:default/leadership'],
              platformGroups: ['group:default/platform'],
            },
          },
        },
      }),
      mockServices.userInfo.mock({
        getUserInfo: async credentials =>
          people[
            (credentials.principal as { userEntityRef: string }).userEntityRef
          ],
      }).factory,
    ],
  });
  return server;
}

function authorize(server: unknown, userRef: string, name: string) {
  return request(server as Parameters<typeof request>[0])
    .post('/api/permission/authorize')
    .set('Authorization', mockCredentials.user.header(userRef))
    .send({
      items: [
        {
          id: 'check',
          permission: { type: 'basic', name, attributes: { action: 'read' } },
        },
      ],
    });
}

describe('the portal policy inside the permission backend', () => {
  it('answers the permission API with allow for leadership and deny for others', async () => {
    const server = await startPermissionBackend();

    const leader = await authorize(
      server,
      'user:default/amara.okafor',
      'leadership.dashboards.read',
    );
    expect(leader.status).toBe(200);
    expect(leader.body.items).toEqual([{ id: 'check', result: 'ALLOW' }]);

    const developer = await authorize(
      server,
      'user:default/priya.raman',
      'leadership.dashboards.read',
    );
    expect(developer.status).toBe(200);
    expect(developer.body.items).toEqual([{ id: 'check', result: 'DENY' }]);
  });

  it('refuses to start with a malformed group ref and names the key', async () => {
    await expect(
      startTestBackend({
        features: [
          permissionBackend,
          permissionModulePortalPolicy,
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              portal: { permissions: { platformGroups: ['user:default/x'] } },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'portal.permissions.platformGroups[0] must refer to a Group entity',
    );
  });
});
