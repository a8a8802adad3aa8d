import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  fuzzEndpoint,
  fuzzRuns,
  HostileBody,
  hostileBody,
  hostileQuery,
  mutated,
  snapshotSqliteTables,
} from '@internal/plugin-portal-node/testUtils';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { doraPlugin } from './plugin';
import { testDoraConfig, testEntities } from './testUtils';

// Every DORA route under generated hostile input, through the whole plugin on real SQLite. The
// unit run takes a few hundred cases per endpoint; `./portal bench fuzz` runs 5,000 each.
const RUNS = fuzzRuns(150);
jest.setTimeout(600_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const hmac = (secret: string, body: Buffer) =>
  createHmac('sha256', secret).update(body).digest('hex');

const deployment = {
  type: 'deployment',
  id: 'd1',
  service: 'hello-world',
  environment: 'production',
  status: 'success',
  startedAt: '2025-01-01T10:00:00Z',
  finishedAt: '2025-01-01T10:05:00Z',
  commits: ['a'.repeat(40)],
};

const githubDeploymentStatus = {
  action: 'created',
  deployment_status: { state: 'success', created_at: '2025-01-01T10:05:00Z' },
  deployment: {
    id: 1,
    sha: 'a'.repeat(40),
    environment: 'production',
    created_at: '2025-01-01T10:00:00Z',
  },
  repository: { full_name: 'Codertocat/Hello-World' },
};

const pagerdutyIncident = {
  event: {
    id: '01DEN8H3ZZ4R5YR3W0GP6WBQ6Z',
    event_type: 'incident.resolved',
    occurred_at: '2025-01-01T11:00:00Z',
    data: {
      id: 'PINC1',
      type: 'incident',
      created_at: '2025-01-01T10:30:00Z',
      service: { id: 'PSERVICE1' },
    },
  },
};

const argocdSync = {
  app: 'hello-world-prod',
  revision: 'a'.repeat(40),
  phase: 'Succeeded',
  startedAt: '2025-01-01T10:00:00Z',
  finishedAt: '2025-01-01T10:05:00Z',
};

const gitlabPush = {
  object_kind: 'push',
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  project: { path_with_namespace: 'mike/diaspora', default_branch: 'main' },
  commits: [{ id: 'a'.repeat(40), timestamp: '2025-01-01T09:00:00Z' }],
};

/** Generated ingest requests: a body, and either the route's valid credentials or none. */
const ingest = (valid: object, fields: string[]) =>
  fc.record({
    body: hostileBody(mutated(valid, fields)),
    authenticate: fc.boolean(),
    event: fc.constantFrom(
      'push',
      'deployment_status',
      'pull_request',
      'ping',
      'Push Hook',
      'Merge Request Hook',
      'Deployment Hook',
      '',
    ),
  });

describe('DORA API under hostile input', () => {
  let server: Parameters<typeof request>[0];
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    snapshot = () => snapshotSqliteTables(knex, 'dora_');
    ({ server } = await startTestBackend({
      features: [
        doraPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: { dora: testDoraConfig } }),
        catalogServiceMock.factory({ entities: testEntities }),
      ],
    }));
  });

  /** POSTs a body with the headers of one ingest route (credentials over the exact bytes). */
  const post =
    (path: string, headers: (body: Buffer) => Record<string, string>) =>
    async (
      { contentType, body }: HostileBody,
      authenticate = true,
      event = '',
    ) => {
      let req = request(server)
        .post(`/api/dora${path}`)
        .timeout(30_000)
        .set('Content-Type', contentType)
        // Bytes as they are: superagent would JSON-encode a Buffer sent as application/json.
        .serialize(raw => raw);
      if (authenticate) {
        for (const [name, value] of Object.entries(headers(body))) {
          req = req.set(name, value);
        }
      }
      if (event) {
        req = req.set('X-GitHub-Event', event).set('X-Gitlab-Event', event);
      }
      const res = await req.send(body);
      return { status: res.status, body: res.body };
    };

  const routes = [
    {
      path: '/events',
      valid: deployment,
      fields: [...Object.keys(deployment), 'commits.0'],
      headers: () => ({
        Authorization: `Bearer ${testDoraConfig.sources.deployer.token}`,
      }),
    },
    {
      path: '/webhooks/github',
      valid: githubDeploymentStatus,
      fields: [
        'action',
        'deployment_status.state',
        'deployment_status.created_at',
        'deployment.sha',
        'deployment.environment',
        'deployment.created_at',
        'repository.full_name',
      ],
      headers: (body: Buffer) => ({
        'X-Hub-Signature-256': `sha256=${hmac(
          testDoraConfig.github.webhookSecret,
          body,
        )}`,
      }),
    },
    {
      path: '/webhooks/gitlab',
      valid: gitlabPush,
      fields: ['ref', 'after', 'project.path_with_namespace', 'commits.0.id'],
      headers: () => ({ 'X-Gitlab-Token': testDoraConfig.gitlab.secretToken }),
    },
    {
      path: '/webhooks/pagerduty',
      valid: pagerdutyIncident,
      fields: [
        'event.id',
        'event.event_type',
        'event.occurred_at',
        'event.data.id',
        'event.data.created_at',
        'event.data.service',
      ],
      headers: (body: Buffer) => ({
        'X-PagerDuty-Signature': `v1=${hmac(
          testDoraConfig.pagerduty.webhookSecret,
          body,
        )}`,
      }),
    },
    {
      path: '/webhooks/argocd',
      valid: argocdSync,
      fields: Object.keys(argocdSync),
      headers: () => ({
        Authorization: `Bearer ${testDoraConfig.argocd.token}`,
      }),
    },
  ];

  it.each(routes)(
    'POST $path never answers 5xx and a rejected request leaves the tables unchanged',
    async ({ path, valid, fields, headers }) => {
      const send = post(path, headers);
      const counts = await fuzzEndpoint({
        endpoint: `POST /api/dora${path}`,
        input: ingest(valid, fields),
        send: ({ body, authenticate, event }) =>
          send(body, authenticate, event),
        large: body => send(body, true, 'push'),
        snapshot,
        runs: RUNS,
      });
      // How many got through to the store is in `./portal bench fuzz`'s table: too few per
      // hundred cases for an assertion that would not flake.
      expect(counts.rejected).toBeGreaterThan(0);
    },
  );

  it.each<{ path: string; query: Record<string, string> }>([
    {
      path: '/metrics',
      query: {
        scope: 'service',
        ref: 'component:default/hello-world',
        from: '2025-01-01T00:00:00Z',
        to: '2025-02-01T00:00:00Z',
        bandYear: '2024',
      },
    },
    { path: '/first-deployments', query: {} },
    { path: '/unmapped', query: {} },
    { path: '/health', query: {} },
  ])(
    'GET $path never answers 5xx and changes nothing',
    async ({ path, query }) => {
      const counts = await fuzzEndpoint({
        endpoint: `GET /api/dora${path}`,
        input: fc.record({
          query: hostileQuery(query),
          signedIn: fc.boolean(),
        }),
        send: async ({ query: q, signedIn }) => {
          let req = request(server)
            .get(`/api/dora${path}?${q}`)
            .timeout(30_000);
          if (signedIn) {
            req = req.set('Authorization', mockCredentials.user.header());
          }
          const res = await req;
          return { status: res.status, body: res.body };
        },
        snapshot,
        runs: RUNS,
      });
      expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
    },
  );

  it('leaves a healthy backend after the hostile input: ready, a valid request accepted, Object.prototype untouched', async () => {
    // A healthy backend after every run: readiness, the plugin's health, and a valid event stored.
    expect(
      (await request(server).get('/.backstage/health/v1/readiness')).status,
    ).toBe(200);
    expect((await request(server).get('/api/dora/health')).status).toBe(200);
    const valid = await request(server)
      .post('/api/dora/events')
      .set('Authorization', `Bearer ${testDoraConfig.sources.deployer.token}`)
      .send({ ...deployment, id: 'after-the-fuzz' });
    expect(valid.status).toBe(202);
    // No prototype reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
