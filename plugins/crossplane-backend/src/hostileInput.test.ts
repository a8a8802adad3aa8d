import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
import {
  fuzzEndpoint,
  fuzzRuns,
  HostileBody,
  hostileBody,
  hostileQuery,
  mutated,
} from '@internal/plugin-portal-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
import { crossplanePlugin } from './plugin';

// The crossplane routes under generated hostile input, through the whole plugin against the real
// local control plane. The unit run takes a hundred cases per endpoint; `./portal bench fuzz`
// runs 5,000 each.
const RUNS = fuzzRuns(100);
jest.setTimeout(600_000);

/** Valid, and a dry run, so a one-field mutation rarely writes (and never waits for Ready). */
const validRequest = {
  name: 'checkout-db',
  size: 'medium',
  environment: 'prod',
  owner: 'payments',
  component: 'component:default/payments-api',
  dryRun: true,
};

describe('Crossplane API under hostile input', () => {
  let plane: LocalControlPlane;
  let server: Parameters<typeof request>[0];
  const permissions = mockServices.permissions.mock();

  /** Every PostgreSQLInstance in the cluster, as the store behind the API. */
  const snapshot = async () => {
    const response = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/postgresqlinstances`,
      { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } },
    );
    const { items } = (await response.json()) as {
      items: Array<{ metadata: object; spec: object }>;
    };
    return JSON.stringify(items.map(i => [i.metadata, i.spec]));
  };

  beforeAll(async () => {
    plane = await startTestControlPlane();
    mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.DENY });
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
              },
            },
          },
        }),
      ],
    }));
  });

  afterAll(async () => {
    await plane?.stop();
  });

  const credentials = fc.constantFrom(
    mockCredentials.user.header('user:default/alice'),
    mockCredentials.service.header(),
    mockCredentials.user.invalidHeader(),
    '',
  );

  const post = async (
    { contentType, body }: HostileBody,
    authorization: string,
  ) => {
    let req = request(server)
      .post('/api/crossplane/postgres')
      .timeout(30_000)
      .set('Content-Type', contentType)
      // Bytes as they are: superagent would JSON-encode a Buffer sent as application/json.
      .serialize(raw => raw);
    if (authorization) req = req.set('Authorization', authorization);
    const res = await req.send(body);
    return { status: res.status, body: res.body };
  };

  it('POST /postgres never answers 5xx and a rejected request leaves the cluster unchanged', async () => {
    const counts = await fuzzEndpoint({
      endpoint: 'POST /api/crossplane/postgres',
      input: fc.record({
        body: hostileBody(
          mutated(validRequest, [
            ...Object.keys(validRequest),
            'waitForReadySeconds',
            'backupRetentionDays',
            'region',
            'deletionPolicy',
          ]),
        ),
        authorization: credentials,
      }),
      send: ({ body, authorization }) => post(body, authorization),
      large: body =>
        post(body, mockCredentials.user.header('user:default/alice')),
      snapshot,
      runs: RUNS,
    });
    expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
  });

  it('GET /postgres never answers 5xx and changes nothing', async () => {
    const counts = await fuzzEndpoint({
      endpoint: 'GET /api/crossplane/postgres',
      input: fc.record({
        query: hostileQuery({ component: 'component:default/payments-api' }),
        authorization: credentials,
      }),
      send: async ({ query, authorization }) => {
        let req = request(server)
          .get(`/api/crossplane/postgres?${query}`)
          .timeout(30_000);
        if (authorization) req = req.set('Authorization', authorization);
        const res = await req;
        return { status: res.status, body: res.body };
      },
      snapshot,
      runs: RUNS,
    });
    expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
  });

  it('leaves a healthy backend after the hostile input: ready, a valid request accepted, Object.prototype untouched', async () => {
    // A healthy backend after every run: readiness, and a valid request still answers.
    expect(
      (await request(server).get('/.backstage/health/v1/readiness')).status,
    ).toBe(200);
    const valid = await request(server)
      .post('/api/crossplane/postgres')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send(validRequest);
    expect(valid.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
