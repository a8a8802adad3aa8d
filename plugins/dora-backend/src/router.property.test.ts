import { TestDatabases } from '@backstage/backend-test-utils';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { createTestApp } from './__testUtils__/createTestApp';
import {
  gitlabExample,
  gitlabExamples,
  mergedRequest,
} from './ingest/__fixtures__/gitlab/examples';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const createApp = () => createTestApp(databases);

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
    // GitLab's own ways of writing times and commits, bent.
    '2021-02-30 21:50:00 +0200',
    '2999-01-01 00:00:00 +0000',
    '2004-12-31 23:59:59 UTC',
    '2021-04-28 21:50:00 +9999',
    `http://example.com/-/commit/${'g'.repeat(40)}`,
    '0000000000000000000000000000000000000000',
    'refs/heads/master',
    'production',
  ),
);

/**
 * Replaces (or, for undefined, removes) one own property, even `__proto__`, the way a hostile
 * JSON body can carry it.
 */
function replaceOrRemove(
  target: Record<string, unknown>,
  field: string,
  value: unknown,
) {
  if (value === undefined) {
    delete target[field];
  } else {
    Object.defineProperty(target, field, {
      value,
      enumerable: true,
      writable: true,
    });
  }
}

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
    replaceOrRemove(copy, field, value);
    return JSON.stringify(copy);
  });

const GITLAB_TOKEN = 'gitlab-token-0123456789';
const MERGE_SHA = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';

/** GitLab's documented payloads by event, with the fields the normalizer reads. */
const gitlabDocumented = [
  {
    event: 'Push Hook',
    payload: gitlabExamples.push,
    fields: [
      'ref',
      'after',
      'project',
      'project.path_with_namespace',
      'project.default_branch',
      'commits',
      'commits.0',
      'commits.0.id',
      'commits.1.timestamp',
    ],
  },
  {
    event: 'Merge Request Hook',
    payload: mergedRequest(MERGE_SHA, '2012-01-03 21:36:29 UTC'),
    fields: [
      'object_attributes',
      'object_attributes.iid',
      'object_attributes.action',
      'object_attributes.state',
      'object_attributes.target_branch',
      'object_attributes.merge_commit_sha',
      'object_attributes.url',
      'object_attributes.updated_at',
      'project.path_with_namespace',
    ],
  },
  {
    event: 'Deployment Hook',
    payload: gitlabExamples.deployment,
    fields: [
      'status',
      'status_changed_at',
      'deployment_id',
      'environment',
      'environment_tier',
      'commit_url',
      'project',
      'project.path_with_namespace',
    ],
  },
];

/** A documented GitLab delivery with one field it reads replaced or removed (or left intact). */
const gitlabDelivery = fc
  .constantFrom(...gitlabDocumented)
  .chain(({ event, payload, fields }) =>
    fc
      .record({
        event: fc.constant(event),
        field: fc.option(fc.constantFrom(...fields)),
        value: fc.oneof(hostileValue, fc.constant(undefined)),
      })
      .map(({ field, value }) => ({
        event,
        payload: JSON.stringify(
          gitlabExample(payload, copy => {
            if (field === null) {
              return;
            }
            const path = field.split('.');
            const parent = path
              .slice(0, -1)
              .reduce((node: any, key) => node?.[key], copy);
            if (parent === null || typeof parent !== 'object') {
              return;
            }
            replaceOrRemove(parent, path[path.length - 1], value);
          }),
        ),
      })),
  );

const body = fc.oneof(
  gitlabDelivery.map(d => d.payload),
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
  '/webhooks/gitlab',
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
        fc.constantFrom(
          'Push Hook',
          'Merge Request Hook',
          'Deployment Hook',
          'Pipeline Hook',
          'System Hook',
          '',
        ),
        async (path, payload, authenticate, githubEvent, gitlabEvent) => {
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
                `sha256=${hmac('github-secret-0123456789', payload)}`,
              )
              .set(
                'X-PagerDuty-Signature',
                `v1=${hmac('pagerduty-secret', payload)}`,
              )
              .set('X-Gitlab-Token', GITLAB_TOKEN);
          }
          if (githubEvent) {
            req = req.set('X-GitHub-Event', githubEvent);
          }
          if (gitlabEvent) {
            req = req.set('X-Gitlab-Event', gitlabEvent);
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
      '/webhooks/gitlab',
    ]) {
      const res = await request(app).post(path).send(validDeployment);
      expect(res.status).toBe(401);
    }
    const wrongGitlabToken = await request(app)
      .post('/webhooks/gitlab')
      .set('X-Gitlab-Event', 'Push Hook')
      .set('X-Gitlab-Token', `${GITLAB_TOKEN}x`)
      .send(gitlabExamples.push);
    expect(wrongGitlabToken.status).toBe(401);
    expect(await store.counts()).toEqual({
      deployment: 0,
      change: 0,
      incident: 0,
      rollback: 0,
    });
  });

  it('stores a hostile GitLab delivery whole or not at all, and a redelivery changes nothing', async () => {
    const { app, snapshot } = await createApp();
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(gitlabDelivery, async ({ event, payload }) => {
        const deliver = () =>
          request(app)
            .post('/webhooks/gitlab')
            .set('Content-Type', 'application/json')
            .set('X-Gitlab-Event', event)
            .set('X-Gitlab-Token', GITLAB_TOKEN)
            .send(payload);
        const before = await snapshot();
        const first = await deliver();
        const afterFirst = await snapshot();
        if (first.status >= 500) {
          return false;
        }
        if (first.status >= 400) {
          rejected++;
          return (
            typeof first.body?.error?.message === 'string' &&
            afterFirst === before
          );
        }
        accepted++;
        // GitLab redelivers with the same body (and a new X-Gitlab-Event-UUID).
        const again = await deliver();
        return (
          again.status === first.status &&
          JSON.stringify(again.body) === JSON.stringify(first.body) &&
          (await snapshot()) === afterFirst
        );
      }),
      { numRuns: 500 },
    );
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
