import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import authModuleDemoPlatformProvider from '.';

jest.setTimeout(30_000);

const amara = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'amara.okafor', namespace: 'default' },
  spec: { memberOf: ['leadership'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/leadership' }],
};

async function start(auth: object) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleDemoPlatformProvider,
      catalogServiceMock.factory({ entities: [amara] }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://localhost:3000' }, auth },
      }),
    ],
  });
  return server;
}

const refresh = (server: any, provider = 'demo-platform') =>
  request(server)
    .get(`/api/auth/${provider}/refresh`)
    .set('X-Requested-With', 'XMLHttpRequest');

describe('demo platform sign-in', () => {
  it('signs in as the configured catalog user with their groups, in development', async () => {
    const server = await start({
      environment: 'development',
      providers: {
        'demo-platform': { userEntityRef: 'user:default/amara.okafor' },
      },
    });
    const res = await refresh(server);
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/amara.okafor',
      ownershipEntityRefs: expect.arrayContaining(['group:default/leadership']),
    });
  });

  it("gives the identity only to the portal's own pages, not to a page of another origin", async () => {
    const server = await start({
      environment: 'development',
      providers: {
        'demo-platform': { userEntityRef: 'user:default/amara.okafor' },
      },
    });
    const foreign = await refresh(server).set(
      'Origin',
      'https://attacker.example',
    );
    expect(foreign.status).toBe(403);
    expect(JSON.stringify(foreign.body)).not.toContain('token');
    const rebound = await refresh(server).set(
      'Origin',
      'http://localhost.attacker.example:3000',
    );
    expect(rebound.status).toBe(403);

    const portal = await refresh(server).set('Origin', 'http://localhost:3000');
    expect(portal.status).toBe(200);
    expect(portal.body.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/amara.okafor',
    );
  });

  it('refuses outside development', async () => {
    const server = await start({
      environment: 'production',
      providers: {
        'demo-platform': { userEntityRef: 'user:default/amara.okafor' },
      },
    });
    expect((await refresh(server)).status).toBe(403);
  });

  it('does not exist unless configured', async () => {
    const server = await start({ environment: 'development', providers: {} });
    expect((await refresh(server)).status).toBe(404);
  });

  it('signs the leadership demo in as its own configured user, beside the platform demo', async () => {
    const server = await start({
      environment: 'development',
      providers: {
        'demo-platform': { userEntityRef: 'user:default/amara.okafor' },
        'demo-leadership': { userEntityRef: 'user:default/amara.okafor' },
      },
    });
    const res = await refresh(server, 'demo-leadership');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/amara.okafor',
      ownershipEntityRefs: expect.arrayContaining(['group:default/leadership']),
    });
    expect((await refresh(server, 'demo-platform')).status).toBe(200);
  });

  it('refuses the leadership demo outside development too', async () => {
    const server = await start({
      environment: 'production',
      providers: {
        'demo-leadership': { userEntityRef: 'user:default/amara.okafor' },
      },
    });
    expect((await refresh(server, 'demo-leadership')).status).toBe(403);
  });
});
