import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  DEFAULT_ADMIN_TOKEN,
  LocalControlPlane,
  startTestControlPlane,
  testClusterConfig,
} from '@internal/local-control-plane';
import { createPostgresProvisioningServiceFactory } from '@internal/plugin-crossplane-node';
import {
  mockPostgresPolicy,
  paymentsApiComponent,
} from '@internal/plugin-crossplane-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { crossplanePlugin } from './plugin';

const body = {
  name: 'checkout-db',
  size: 'medium',
  environment: 'prod',
  owner: 'payments',
  component: 'component:default/payments-api',
};

// The whole backend against a real local control plane: 30 s like the other integration tests (a
// platform request for another team hit Jest's 5 s default under load).
jest.setTimeout(30_000);

describe('crossplanePlugin', () => {
  let plane: LocalControlPlane;
  let server: any;
  const permissions = mockServices.permissions.mock();
  const user = mockCredentials.user.header('user:default/alice');

  const countXrs = async (namespace = 'team-payments') => {
    const response = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/${namespace}/postgresqlinstances`,
      { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } },
    );
    return ((await response.json()) as { items: unknown[] }).items.length;
  };

  /** POST /api/crossplane/postgres, as alice unless told otherwise. */
  const requestDatabase = (payload: object, authorization = user) =>
    request(server)
      .post('/api/crossplane/postgres')
      .set('Authorization', authorization)
      .send(payload);

  beforeAll(async () => {
    plane = await startTestControlPlane();
    ({ server } = await startTestBackend({
      features: [
        crossplanePlugin,
        createPostgresProvisioningServiceFactory({}),
        permissions.factory,
        mockServices.events.factory(),
        catalogServiceMock.factory({ entities: [paymentsApiComponent] }),
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: [
              'user:default/alice',
              'group:default/payments',
              'group:default/platform',
            ],
          }),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            crossplane: {
              cluster: testClusterConfig(plane),
              teamNamespaces: {
                payments: 'team-payments',
                search: 'team-search',
                platform: 'kube-system',
              },
            },
          },
        }),
      ],
    }));
  });

  afterAll(() => plane?.stop());

  beforeEach(() => {
    permissions.authorize.mockReset();
    // As for a Payments engineer: their components yes, other teams' namespaces no.
    mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.DENY });
  });

  it.each([
    [{ name: 'Checkout' }, 'Invalid name'],
    [{ name: 'template1' }, 'Invalid name: is a reserved name'],
    [{ size: 'xl' }, 'Invalid size'],
    [{ environment: undefined }, 'Invalid environment'],
    [{ owner: 'strangers' }, 'Invalid owner: unknown team strangers'],
    [{ owner: 'search' }, 'Invalid owner: you are not a member of team search'],
    [{ dryRun: 'yes' }, 'Invalid dryRun'],
    [
      { component: "payments-api'; DROP TABLE pg_roles; --" },
      'Invalid component: must be a component entity ref',
    ],
    [
      { component: '<script>alert(1)</script>' },
      'Invalid component: must be a component entity ref',
    ],
    [
      { component: 'component:default/../../team-search/search-api' },
      'Invalid component: must be a component entity ref',
    ],
  ])('rejects %j with 400 before writing', async (patch, message) => {
    const response = await requestDatabase({ ...body, ...patch });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
    expect(await countXrs()).toBe(0);
  });

  it('rejects invalid credentials', async () => {
    const response = await requestDatabase(
      body,
      mockCredentials.user.invalidHeader(),
    );
    expect(response.status).toBe(401);
  });

  it('lets a platform member request a database in another team namespace', async () => {
    mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.ALLOW });
    const response = await requestDatabase({
      ...body,
      name: 'platform-db',
      owner: 'search',
      dryRun: true,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ namespace: 'team-search' });
  });

  it('authorizes a component not yet in the catalog through team membership', async () => {
    mockPostgresPolicy(permissions, {
      anyTeam: AuthorizeResult.DENY,
      component: AuthorizeResult.DENY,
    });
    const mine = await requestDatabase({
      ...body,
      component: 'component:default/new-service',
      dryRun: true,
    });
    expect(mine.status).toBe(200);
    const theirs = await requestDatabase({
      ...body,
      owner: 'search',
      component: 'component:default/new-service',
    });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.message).toContain('not in the catalog yet');
    expect(await countXrs('team-search')).toBe(0);
  });

  it('returns 403 when the policy denies, writing nothing', async () => {
    mockPostgresPolicy(permissions, {
      anyTeam: AuthorizeResult.DENY,
      component: AuthorizeResult.DENY,
    });
    const response = await requestDatabase(body);
    expect(response.status).toBe(403);
    expect(await countXrs()).toBe(0);
  });

  it('dry-runs on the server without storing', async () => {
    const response = await requestDatabase({ ...body, dryRun: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      dryRun: true,
      namespace: 'team-payments',
    });
    expect(await countXrs()).toBe(0);
  });

  it('creates one XR for 20 identical concurrent requests and lists it', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => requestDatabase(body)),
    );
    expect(responses.map(r => r.status)).toEqual(Array(20).fill(201));
    expect(responses[0].body).toMatchObject({
      name: 'checkout-db',
      namespace: 'team-payments',
      secretName: 'checkout-db-connection',
      dryRun: false,
    });
    expect(await countXrs()).toBe(1);

    const list = await request(server)
      .get('/api/crossplane/postgres')
      .query({ component: 'component:default/payments-api' })
      .set('Authorization', user);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      name: 'checkout-db',
      size: 'medium',
      environment: 'prod',
      secretName: 'checkout-db-connection',
      ready: false,
      conditions: [],
      events: [],
    });
    expect(JSON.stringify(list.body)).not.toMatch(/password/i);
  });

  it('waits for Ready when asked', async () => {
    const setReady = async () => {
      for (;;) {
        const response = await fetch(
          `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances/waiting-db/status`,
          {
            method: 'PATCH',
            headers: {
              authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
              'content-type': 'application/merge-patch+json',
            },
            body: JSON.stringify({
              status: {
                endpoint: 'pg.local:5432',
                conditions: [{ type: 'Ready', status: 'True' }],
              },
            }),
          },
        );
        if (response.status === 200) return;
        await new Promise(r => setTimeout(r, 20));
      }
    };
    const [response] = await Promise.all([
      requestDatabase({ ...body, name: 'waiting-db', waitForReadySeconds: 30 }),
      setReady(),
    ]);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      ready: true,
      instance: { ready: true, endpoint: 'pg.local:5432' },
    });
  });

  it('refuses with 409 naming the owner a request for a name another component has', async () => {
    const first = await requestDatabase({ ...body, name: 'taken-db' });
    expect(first.status).toBe(201);
    const takeover = await requestDatabase({
      ...body,
      name: 'taken-db',
      component: 'component:default/checkout-web',
      deletionPolicy: 'Orphan',
    });
    expect(takeover.status).toBe(409);
    expect(takeover.body.error).toMatchObject({
      name: 'ConflictError',
      message:
        'Database team-payments/taken-db already exists and belongs to component:default/payments-api of team payments; choose another name',
    });
    // The same request for the same component stays a harmless repeat.
    const again = await requestDatabase({ ...body, name: 'taken-db' });
    expect(again.status).toBe(201);
  });

  it('answers 409 with the server-side apply conflict when a change made outside the portal would be undone', async () => {
    const edited = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances/taken-db?fieldManager=kubectl-edit`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
          'content-type': 'application/merge-patch+json',
        },
        body: JSON.stringify({ spec: { size: 'large' } }),
      },
    );
    expect(edited.status).toBe(200);
    const response = await requestDatabase({ ...body, name: 'taken-db' });
    expect(response.status).toBe(409);
    expect(response.body.error.name).toBe('ConflictError');
    expect(response.body.error.message).toMatch(
      /^Database team-payments\/taken-db was changed outside the portal .*conflict with "kubectl-edit".*\.spec\.size/s,
    );
  });

  it('rejects a hostile component in the list query', async () => {
    const response = await request(server)
      .get('/api/crossplane/postgres')
      .query({ component: 'payments-api,backstage.io/component!=x' })
      .set('Authorization', user);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /^Invalid component: must be a component entity ref/,
    );
  });

  it('requires the component query parameter', async () => {
    const response = await request(server)
      .get('/api/crossplane/postgres')
      .set('Authorization', user);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/Invalid component/);
  });

  it('maps 403 from the cluster to a NotAllowedError naming verb and resource', async () => {
    const response = await requestDatabase({ ...body, owner: 'platform' });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'not allowed to get PostgreSQLInstance/checkout-db in namespace kube-system',
      ),
    });
  });
});

// The real permission client (mockServices.permissions.factory() without options): it allows a
// service principal everything its token's access restrictions do not exclude, without asking the
// policy; only crossplane.serviceCallers stands between another plugin and a team's namespace.
describe('crossplanePlugin for service callers, with the real permission client', () => {
  let plane: LocalControlPlane;
  let server: any;

  const serviceHeader = (subject: string) =>
    mockCredentials.service.header({
      onBehalfOf: mockCredentials.service(subject),
      targetPluginId: 'crossplane',
    });

  beforeAll(async () => {
    plane = await startTestControlPlane();
    ({ server } = await startTestBackend({
      features: [
        crossplanePlugin,
        createPostgresProvisioningServiceFactory({}),
        mockServices.permissions.factory(),
        mockServices.events.factory(),
        catalogServiceMock.factory({ entities: [paymentsApiComponent] }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            crossplane: {
              cluster: testClusterConfig(plane),
              teamNamespaces: {
                payments: 'team-payments',
                search: 'team-search',
              },
              serviceCallers: ['plugin:platform-bot'],
            },
          },
        }),
      ],
    }));
  });

  afterAll(() => plane?.stop());

  const xrs = async (namespace: string) => {
    const response = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/${namespace}/postgresqlinstances`,
      { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } },
    );
    return ((await response.json()) as { items: unknown[] }).items;
  };

  it.each([
    ['another backend plugin', 'plugin:catalog'],
    ['an external access token', 'external:deploy-bot'],
  ])(
    'refuses %s not listed in crossplane.serviceCallers with 403, writing nothing',
    async (_who, subject) => {
      const response = await request(server)
        .post('/api/crossplane/postgres')
        .set('Authorization', serviceHeader(subject))
        .send({ ...body, owner: 'search', name: 'borrowed-db' });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: `The service ${subject} may not request databases: only users may, and services listed in crossplane.serviceCallers`,
      });
      expect(await xrs('team-search')).toEqual([]);
    },
  );

  it('lets a listed service request for a component in the catalog, and no other', async () => {
    const listed = await request(server)
      .post('/api/crossplane/postgres')
      .set('Authorization', serviceHeader('plugin:platform-bot'))
      .send({ ...body, name: 'bot-db', dryRun: true });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ namespace: 'team-payments' });

    const unknown = await request(server)
      .post('/api/crossplane/postgres')
      .set('Authorization', serviceHeader('plugin:platform-bot'))
      .send({
        ...body,
        name: 'bot-db',
        component: 'component:default/not-in-catalog',
      });
    expect(unknown.status).toBe(403);
    expect(unknown.body.error.message).toContain('it is not in the catalog');
  });
});
