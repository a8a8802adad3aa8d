import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { sign } from '@octokit/webhooks-methods';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { doraPlugin } from './plugin';
import { testDoraConfig, testEntities } from './testUtils';

// The examples package is plain JSON without an ES module entry.
const examples: Array<{
  name: string;
  examples: any[];
}> = require('@octokit/webhooks-examples');

const githubExamples = (name: string) =>
  examples.find(e => e.name === name)!.examples;

jest.setTimeout(30_000);

describe('doraPlugin', () => {
  async function start(permission?: 'deny') {
    const { server } = await startTestBackend({
      features: [
        doraPlugin,
        mockServices.rootConfig.factory({ data: { dora: testDoraConfig } }),
        catalogServiceMock.factory({ entities: testEntities }),
        ...(permission
          ? [mockServices.permissions.factory({ result: 2 as any })]
          : []),
      ],
    });
    return server;
  }

  const user = mockCredentials.user.header();
  const deployerToken = testDoraConfig.sources.deployer.token;
  const argocdToken = testDoraConfig.argocd.token;
  const may2019 = { from: '2019-05-01T00:00:00Z', to: '2019-06-01T00:00:00Z' };

  /** GET /api/dora/metrics as the test user, or with another Authorization header. */
  function getMetrics(
    server: any,
    query: Record<string, string>,
    authorization = user,
  ) {
    return request(server)
      .get('/api/dora/metrics')
      .query(query)
      .set('Authorization', authorization);
  }

  /** POST to an ingest path below /api/dora with a source's bearer token. */
  function postWithToken(server: any, path: string, token: string) {
    return request(server)
      .post(`/api/dora${path}`)
      .set('Authorization', `Bearer ${token}`);
  }

  async function deliverGithub(
    server: any,
    event: string,
    payload: unknown,
    secret = 'github-secret-0123456789',
  ) {
    const body = JSON.stringify(payload);
    return request(server)
      .post('/api/dora/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', event)
      .set('X-Hub-Signature-256', await sign(secret, body))
      .send(body);
  }

  it('ingests the real GitHub example payloads and shows them for the right component', async () => {
    const server = await start();
    for (const payload of githubExamples('deployment_status')) {
      const res = await deliverGithub(server, 'deployment_status', payload);
      expect(res.status).toBe(202);
    }
    for (const payload of githubExamples('push')) {
      expect((await deliverGithub(server, 'push', payload)).status).toBe(202);
    }
    for (const payload of githubExamples('pull_request')) {
      expect(
        (await deliverGithub(server, 'pull_request', payload)).status,
      ).toBe(202);
    }

    const res = await getMetrics(server, {
      scope: 'service',
      ref: 'hello-world',
      ...may2019,
    });
    expect(res.status).toBe(200);
    expect(res.body.ref).toBe('component:default/hello-world');
    // Three deliveries of the same successful production deployment, and one to github-pages.
    expect(res.body.metrics.deploymentFrequency.numerator.value).toBe(1);
    expect(res.body.breakdown.map((b: any) => b.ref)).toEqual([
      'component:default/hello-world#production',
    ]);

    const stream = await getMetrics(server, {
      scope: 'stream',
      ref: 'component:default/hello-world#production',
      ...may2019,
    });
    expect(stream.status).toBe(200);
    expect(stream.body.metrics.deploymentFrequency.numerator.value).toBe(1);
    const badStream = await getMetrics(server, {
      scope: 'stream',
      ref: 'hello-world',
      window: '7',
    });
    expect(badStream.status).toBe(400);

    const team = await getMetrics(server, {
      scope: 'team',
      ref: 'payments',
      ...may2019,
    });
    expect(team.status).toBe(200);
    expect(team.body.metrics.deploymentFrequency.numerator.value).toBe(1);
  });

  it('rejects a bad GitHub signature and stores nothing', async () => {
    const server = await start();
    const [payload] = githubExamples('deployment_status');
    const res = await deliverGithub(
      server,
      'deployment_status',
      payload,
      'wrong',
    );
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('X-Hub-Signature-256');
    const missing = await request(server)
      .post('/api/dora/webhooks/github')
      .set('X-GitHub-Event', 'push')
      .send({});
    expect(missing.status).toBe(401);
  });

  it('ingests PagerDuty v3 incidents in any order', async () => {
    const server = await start();
    const deliver = (eventType: string, occurredAt: string) => {
      const body = JSON.stringify({
        event: {
          id: `E-${eventType}`,
          event_type: eventType,
          resource_type: 'incident',
          occurred_at: occurredAt,
          data: {
            id: 'Q1ABC',
            type: 'incident',
            title: 'Checkout errors',
            created_at: '2025-01-01T10:00:00Z',
            urgency: 'high',
            service: { id: 'PSERVICE1', summary: 'hello' },
          },
        },
      });
      const signature = `v1=${createHmac('sha256', 'pagerduty-secret')
        .update(body)
        .digest('hex')}`;
      return request(server)
        .post('/api/dora/webhooks/pagerduty')
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signature)
        .send(body);
    };
    expect(
      (await deliver('incident.resolved', '2025-01-01T12:00:00Z')).status,
    ).toBe(202);
    expect(
      (await deliver('incident.triggered', '2025-01-01T10:00:00Z')).status,
    ).toBe(202);
    expect(
      (await deliver('incident.acknowledged', '2025-01-01T11:00:00Z')).body
        .ignored,
    ).toMatch(/not recorded/);
    const bad = await request(server)
      .post('/api/dora/webhooks/pagerduty')
      .set('X-PagerDuty-Signature', 'v1=00')
      .send({ event: {} });
    expect(bad.status).toBe(401);
  });

  it('records a pull request merged into the default branch, not one merged into a feature branch', async () => {
    const server = await start();
    // GitHub's documented "closed" delivery, as sent when the pull request was merged.
    const closed = githubExamples('pull_request').find(
      p => p.action === 'closed',
    );
    const merged = (baseRef: string) => ({
      ...closed,
      pull_request: {
        ...closed.pull_request,
        merged: true,
        merged_at: '2019-05-15T15:20:40Z',
        base: { ...closed.pull_request.base, ref: baseRef },
      },
    });
    const intoFeature = await deliverGithub(
      server,
      'pull_request',
      merged('feature/checkout'),
    );
    expect(intoFeature.status).toBe(202);
    expect(intoFeature.body.ignored).toMatch(
      /merged into feature\/checkout, not a tracked branch/,
    );
    const intoDefault = await deliverGithub(
      server,
      'pull_request',
      merged(closed.repository.default_branch),
    );
    expect(intoDefault.status).toBe(202);
    expect(intoDefault.body).toEqual({ accepted: 1 });
  });

  it('ingests Argo CD notifications and generic events, and computes metrics', async () => {
    const server = await start();
    const argo = await postWithToken(
      server,
      '/webhooks/argocd',
      argocdToken,
    ).send({
      app: 'hello-world-prod',
      revision: 'abcdef1234567',
      phase: 'Succeeded',
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      finishedAt: new Date(Date.now() - 3_500_000).toISOString(),
      environment: 'production',
    });
    expect(argo.status).toBe(202);
    const generic = await postWithToken(server, '/events', deployerToken).send({
      events: [
        {
          type: 'change',
          service: 'hello-world',
          sha: 'abcdef1234567',
          committedAt: new Date(Date.now() - 7_200_000).toISOString(),
        },
      ],
    });
    expect(generic.status).toBe(202);
    expect(generic.body).toEqual({ accepted: 1 });

    const res = await getMetrics(server, {
      scope: 'organisation',
      window: '7',
    });
    expect(res.status).toBe(200);
    expect(res.body.metrics.deploymentFrequency.numerator.value).toBe(1);
    expect(res.body.metrics.changeLeadTime.value).toBeCloseTo(3700 / 3600, 2);
    expect(res.body.bandYear).toBe('2024');
    expect(res.body.breakdown[0].ref).toBe('group:default/payments');
    expect(res.body.trend.length).toBeGreaterThanOrEqual(1);

    const first = await request(server)
      .get('/api/dora/first-deployments')
      .set('Authorization', user);
    expect(first.body).toEqual({
      items: [
        {
          entityRef: 'component:default/hello-world',
          firstProductionDeployAt: expect.any(String),
        },
      ],
    });
  });

  it('names the problem in 4xx responses', async () => {
    const server = await start();
    const post = (body: string, token = deployerToken) =>
      postWithToken(server, '/events', token)
        .set('Content-Type', 'application/json')
        .send(body);
    expect((await post('{"type":')).body.error.message).toContain(
      'not valid JSON',
    );
    expect((await post('{}', 'nope')).status).toBe(401);
    const missing = await post(
      JSON.stringify({ type: 'incident', id: 'x', service: 's' }),
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('openedAt');
    const future = await post(
      JSON.stringify({
        type: 'incident',
        id: 'x',
        service: 's',
        openedAt: '2999-01-01T00:00:00Z',
      }),
    );
    expect(future.body.error.message).toContain(
      'openedAt: must not be in the future',
    );
    const query = await getMetrics(server, { scope: 'team', window: '12' });
    expect(query.status).toBe(400);
    expect(query.body.error.message).toMatch(/window: Invalid option/);
    const unknown = await getMetrics(server, { scope: 'service', ref: 'nope' });
    expect(unknown.status).toBe(404);
    const anonymous = await getMetrics(
      server,
      { scope: 'organisation' },
      mockCredentials.none.header(),
    );
    expect(anonymous.status).toBe(401);
  });

  it('takes a backfill with a source token through the whole backend, and its status with the same token', async () => {
    const server = await start();
    const lines = [
      {
        type: 'change',
        service: 'payments-api',
        sha: 'f'.repeat(40),
        committedAt: '2019-05-10T09:00:00Z',
      },
      {
        type: 'deployment',
        id: 'backfilled-1',
        service: 'payments-api',
        environment: 'production',
        status: 'success',
        commits: ['f'.repeat(40)],
        startedAt: '2019-05-10T10:00:00Z',
        finishedAt: '2019-05-10T10:05:00Z',
      },
    ];
    const res = await postWithToken(server, '/backfill', deployerToken)
      .set('Content-Type', 'application/x-ndjson')
      .send(lines.map(l => JSON.stringify(l)).join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', accepted: 2 });
    const status = await request(server)
      .get(`/api/dora/backfill/${res.body.backfill}`)
      .set('Authorization', `Bearer ${deployerToken}`);
    expect(status.body).toMatchObject({ status: 'completed', lines: 2 });
    const metrics = await getMetrics(server, {
      scope: 'service',
      ref: 'payments-api',
      ...may2019,
    });
    expect(metrics.status).toBe(200);
    expect(metrics.body.metrics.deploymentFrequency.numerator.value).toBe(1);
  });

  it('accepts the curl examples of the README as they are written', async () => {
    const server = await start();
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const curls = [
      ...readme.matchAll(
        /curl -X POST http:\/\/localhost:7007\/api\/dora(\S+) \\\n\s+-H "Authorization: Bearer \$(\w+)"[^\n]*\n\s+-d '([^']+)'/g,
      ),
    ];
    expect(curls.map(m => m[1])).toEqual(['/events', '/webhooks/argocd']);
    const tokens: Record<string, string> = {
      DORA_DEPLOYER_TOKEN: deployerToken,
      DORA_ARGOCD_TOKEN: argocdToken,
    };
    for (const [, path, token, body] of curls) {
      const res = await postWithToken(server, path, tokens[token])
        .set('Content-Type', 'application/json')
        .send(body);
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 202,
        body: expect.objectContaining({ accepted: expect.any(Number) }),
      });
    }
    const metrics = await getMetrics(server, {
      scope: 'service',
      ref: 'payments-api',
      from: '2026-11-20T00:00:00Z',
      to: '2026-11-21T00:00:00Z',
    });
    expect(metrics.status).toBe(200);
    expect(metrics.body.metrics.changeFailureRate.numerator.value).toBe(1);
  });

  it('checks a custom range before computing anything', async () => {
    const server = await start();
    const ask = (from: string, to: string) =>
      getMetrics(server, { scope: 'organisation', from, to });
    const reversed = await ask('2025-03-10T00:00:00Z', '2025-03-01T00:00:00Z');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toContain('to: must be after from');
    const future = await ask(
      new Date(Date.now() + 2 * 86_400_000).toISOString(),
      new Date(Date.now() + 3 * 86_400_000).toISOString(),
    );
    expect(future.status).toBe(400);
    expect(future.body.error.message).toContain('from: must be in the past');
    const long = await ask('2023-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain('must not exceed 400 days');
  });

  it('registers the permissions it checks, the leadership one included, with the permission integration', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/dora/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(
      res.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual([
      'dora.metrics.read',
      'dora.unmapped.read',
      'leadership.dashboards.read',
    ]);
  });

  it('refuses unauthenticated deliveries from their headers, before reading a large body', async () => {
    const server = await start();
    // More than the 5 MB body limit: read first, it would be refused with 413 instead of 401.
    const big = Buffer.alloc(5 * 1024 * 1024 + 1024, 'x');
    const cases: Array<[string, Record<string, string>]> = [
      ['/events', { Authorization: 'Bearer wrong-token-0123456789' }],
      ['/webhooks/github', { 'X-GitHub-Event': 'push' }],
      ['/webhooks/gitlab', { 'X-Gitlab-Token': 'wrong-token-0123456789' }],
      ['/webhooks/pagerduty', {}],
      ['/webhooks/argocd', { Authorization: 'Bearer wrong-token-0123456789' }],
    ];
    for (const [path, headers] of cases) {
      const res = await request(server)
        .post(`/api/dora${path}`)
        .set(headers)
        .set('Content-Type', 'application/json')
        .send(big);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.body.error.name).toBe('AuthenticationError');
    }
    // Five uploads of 5 MB each: generous on a loaded CI machine.
  }, 90_000);

  it('lists events no component claims', async () => {
    const server = await start();
    await postWithToken(server, '/events', deployerToken)
      .send({
        type: 'deployment',
        id: 'd1',
        service: 'fernhill/legacy-billing',
        serviceKeyType: 'github',
        environment: 'production',
        status: 'success',
        startedAt: '2025-01-01T10:00:00Z',
        finishedAt: '2025-01-01T10:05:00Z',
      })
      .expect(202);
    const res = await request(server)
      .get('/api/dora/unmapped')
      .set('Authorization', user);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        service: 'fernhill/legacy-billing',
        annotation: 'github.com/project-slug',
        eventCount: 1,
      }),
    ]);
  });

  it('denies reading when the permission policy says so', async () => {
    const server = await start('deny');
    const res = await request(server)
      .get('/api/dora/metrics?scope=organisation')
      .set('Authorization', user);
    expect(res.status).toBe(403);
  });
});
