import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { readDoraConfig } from './config';
import { createRouter } from './router';
import { CatalogServiceMap } from './services/CatalogServiceMap';
import { DoraStore } from './services/DoraStore';
import { IngestService } from './services/IngestService';
import { MetricsService } from './services/MetricsService';
import { testDoraConfig, testEntities } from './testUtils';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

async function createApp() {
  const knex = await databases.init('SQLITE_3');
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  const logger = mockServices.logger.mock();
  const serviceMap = CatalogServiceMap.create({
    catalog: catalogServiceMock({ entities: testEntities }),
    auth: mockServices.auth(),
    logger,
  });
  const config = readDoraConfig(new ConfigReader({ dora: testDoraConfig }));
  const router = await createRouter({
    config,
    store,
    ingest: IngestService.create({ store, serviceMap, logger }),
    metrics: MetricsService.create({
      store,
      serviceMap,
      bandYear: '2024',
      incidentFallbackHours: 24,
    }),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    logger,
  });
  const app = express().use(router).use(mockErrorHandler());
  return { app, store };
}

const hmac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('hex');

const validDeployment = {
  type: 'deployment',
  id: 'd1',
  service: 'hello-world',
  environment: 'production',
  status: 'success',
  startedAt: '2025-01-01T10:00:00Z',
  finishedAt: '2025-01-01T10:05:00Z',
};

/** Values chosen to break parsers and validators. */
const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '',
    '1970-01-01T00:00:00Z',
    '2999-12-31T23:59:59Z',
    '2025-13-45T99:99:99Z',
    'NaN',
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER,
    null,
    [],
    {},
    'a'.repeat(10_000),
    '\u0000',
    '<script>alert(1)</script>',
    "'; drop table dora_deployments; --",
    { __proto__: { polluted: true } },
    { constructor: { prototype: { polluted: true } } },
  ),
);

/** A valid event with one field replaced, removed or added. */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(
      ...Object.keys(validDeployment),
      'commits',
      'kind',
      '__proto__',
      'extra',
    ),
    fc.oneof(hostileValue, fc.constant(undefined)),
  )
  .map(([field, value]) => {
    const copy: Record<string, unknown> = { ...validDeployment };
    if (value === undefined) {
      delete copy[field];
    } else {
      Object.defineProperty(copy, field, {
        value,
        enumerable: true,
        writable: true,
      });
    }
    return JSON.stringify(copy);
  });

const body = fc.oneof(
  fc.string(),
  fc.jsonValue().map(v => JSON.stringify(v)),
  mutatedEvent,
  mutatedEvent.map(e => `{"events":[${e},${e}]}`),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '{"events":[]}',
    '{"events":{}}',
    '\uFEFF{}',
    '{"a":1}'.repeat(3),
  ),
);

const endpoint = fc.constantFrom(
  '/events',
  '/webhooks/github',
  '/webhooks/pagerduty',
  '/webhooks/argocd',
);

describe('ingest API under random and hostile input', () => {
  it('never answers 5xx and stores nothing it rejects', async () => {
    const { app, store } = await createApp();
    const empty = await store.counts();
    let accepted = 0;

    await fc.assert(
      fc.asyncProperty(
        endpoint,
        body,
        fc.boolean(),
        fc.constantFrom(
          'push',
          'deployment_status',
          'pull_request',
          'ping',
          'issues',
          '',
        ),
        async (path, payload, authenticate, githubEvent) => {
          const before = await store.counts();
          let req = request(app)
            .post(path)
            .set('Content-Type', 'application/json');
          if (authenticate) {
            req = req
              .set(
                'Authorization',
                `Bearer ${
                  path === '/events'
                    ? 'deployer-token-0123456789'
                    : 'argocd-token-0123456789'
                }`,
              )
              .set(
                'X-Hub-Signature-256',
                `sha256=${hmac('github-secret', payload)}`,
              )
              .set(
                'X-PagerDuty-Signature',
                `v1=${hmac('pagerduty-secret', payload)}`,
              );
          }
          if (githubEvent) {
            req = req.set('X-GitHub-Event', githubEvent);
          }
          const res = await req.send(payload);
          if (res.status >= 500) {
            return false;
          }
          if (res.status < 400) {
            accepted++;
            return true;
          }
          // Rejected: a message naming the problem, and the store untouched.
          const after = await store.counts();
          return (
            typeof res.body?.error?.message === 'string' &&
            JSON.stringify(after) === JSON.stringify(before)
          );
        },
      ),
      { numRuns: 2000 },
    );

    // The generator does reach the store: valid mutations (e.g. another id) are accepted.
    expect(accepted).toBeGreaterThan(0);
    expect((await store.counts()).deployment).toBeGreaterThan(empty.deployment);
  });

  it('rejects unsigned and unauthenticated requests on every ingest route', async () => {
    const { app, store } = await createApp();
    for (const path of [
      '/events',
      '/webhooks/github',
      '/webhooks/pagerduty',
      '/webhooks/argocd',
    ]) {
      const res = await request(app).post(path).send(validDeployment);
      expect(res.status).toBe(401);
    }
    expect(await store.counts()).toEqual({
      deployment: 0,
      change: 0,
      incident: 0,
      rollback: 0,
    });
  });
});
