import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestApp } from './__testUtils__/createTestApp';
import {
  gitlabExample,
  gitlabExamples,
  mergedRequest,
} from './ingest/__fixtures__/gitlab/examples';
import { gitlabTestEntity, testDoraConfig, testEntities } from './testUtils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const TOKEN = testDoraConfig.gitlab.secretToken;
const MERGE_SHA = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
const EMPTY = { deployment: 0, change: 0, incident: 0, rollback: 0 };

/** The documented deployment, to production, of the merge commit of the documented push. */
const productionDeployment = (status: string, statusChangedAt: string) =>
  gitlabExample(gitlabExamples.deployment, p => {
    p.status = status;
    p.status_changed_at = statusChangedAt;
    p.deployment_id = 42;
    p.environment = 'production';
    p.environment_slug = 'production';
    p.environment_tier = 'production';
    p.project = gitlabExamples.push.project;
    p.commit_url = `http://example.com/mike/diaspora/-/commit/${MERGE_SHA}`;
  });

/** The push, the merge request merged as its last commit, and that commit deployed. */
const delivery = {
  push: ['Push Hook', gitlabExamples.push],
  merged: [
    'Merge Request Hook',
    gitlabExample(mergedRequest(MERGE_SHA, '2012-01-03 21:36:29 UTC'), p => {
      p.project = gitlabExamples.push.project;
    }),
  ],
  running: [
    'Deployment Hook',
    productionDeployment('running', '2012-01-05 09:55:00 +0200'),
  ],
  success: [
    'Deployment Hook',
    productionDeployment('success', '2012-01-05 10:00:00 +0200'),
  ],
} as const;

describe('POST /webhooks/gitlab', () => {
  async function start(dora: object = testDoraConfig) {
    return createTestApp(databases, {
      dora,
      entities: [...testEntities, gitlabTestEntity],
    });
  }

  const post = (
    app: Awaited<ReturnType<typeof createTestApp>>['app'],
    [event, payload]: readonly [string, unknown],
    headers: Record<string, string> = { 'X-Gitlab-Token': TOKEN },
  ) =>
    request(app)
      .post('/webhooks/gitlab')
      .set('Content-Type', 'application/json')
      .set({ 'X-Gitlab-Event': event, ...headers })
      .send(JSON.stringify(payload));

  it('gives a GitLab service its lead time from a push, a merged merge request and a production deployment', async () => {
    const { app, store } = await start();
    for (const step of [
      delivery.push,
      delivery.merged,
      delivery.running,
      delivery.success,
    ]) {
      const res = await post(app, step);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 202,
        body: { accepted: step === delivery.push ? 2 : 1 },
      });
    }
    expect(await store.counts()).toEqual({
      ...EMPTY,
      deployment: 1,
      change: 2,
    });
    // The project slug of the catalog entity has other capitals: nothing is left unmapped.
    expect(await store.listUnmapped()).toEqual([]);

    const metrics = await request(app).get('/metrics').query({
      scope: 'service',
      ref: 'diaspora',
      from: '2012-01-01T00:00:00Z',
      to: '2012-02-01T00:00:00Z',
    });
    expect(metrics.status).toBe(200);
    expect(metrics.body.ref).toBe('component:default/diaspora');
    expect(metrics.body.metrics.deploymentFrequency.numerator.value).toBe(1);
    // Both pushed commits shipped with the deployment that finished at 08:00 UTC.
    const finished = Date.parse('2012-01-05T08:00:00Z');
    const hours = (committed: string) =>
      (finished - Date.parse(committed)) / 3_600_000;
    expect(metrics.body.metrics.changeLeadTime.value).toBeCloseTo(
      (hours('2011-12-12T12:27:31Z') + hours('2012-01-03T21:36:29Z')) / 2,
      3,
    );
    expect(metrics.body.breakdown.map((b: any) => b.ref)).toEqual([
      'component:default/diaspora#production',
    ]);
  });

  it('changes nothing when GitLab redelivers, in any order', async () => {
    const { app, snapshot } = await start();
    const steps = Object.values(delivery);
    for (const step of steps) {
      await post(app, step).expect(202);
    }
    const once = await snapshot();
    // A redelivery carries the same body and a new X-Gitlab-Event-UUID.
    for (const step of [...steps].reverse()) {
      await post(app, step, {
        'X-Gitlab-Token': TOKEN,
        'X-Gitlab-Event-UUID': '13792a34-cac6-4fda-95a8-c58e00a3954e',
        'Idempotency-Key': 'f5e5f430-f57b-4e6e-9fac-d9128cd7232f',
      }).expect(202);
    }
    expect(await snapshot()).toBe(once);

    // Delivered the other way round from the start, the metrics are the same. (Only the stored
    // start differs: a `running` report after the final one is not applied, and GitLab reports
    // carry no start time of their own.)
    const reversed = await start();
    for (const step of [...steps].reverse()) {
      await post(reversed.app, step).expect(202);
    }
    const metricsOf = async (target: typeof app) =>
      (
        await request(target).get('/metrics').query({
          scope: 'service',
          ref: 'diaspora',
          from: '2012-01-01T00:00:00Z',
          to: '2012-02-01T00:00:00Z',
        })
      ).body;
    const inOrder = await metricsOf(app);
    expect(inOrder.metrics.changeLeadTime.value).toBeGreaterThan(0);
    expect(await metricsOf(reversed.app)).toEqual(inOrder);
  });

  it('keeps events of a project no component claims, naming the annotation to add', async () => {
    const { app, store } = await start();
    await post(app, ['Deployment Hook', gitlabExamples.deployment]).expect(202);
    expect(await store.listUnmapped()).toEqual([
      expect.objectContaining({
        serviceKeyType: 'gitlab',
        service: 'root/test-deployment-webhooks',
        annotation: 'gitlab.com/project-slug',
        eventCount: 1,
      }),
    ]);
  });

  it('refuses a wrong or missing X-Gitlab-Token and stores nothing', async () => {
    const { app, store } = await start();
    const wrong = await post(app, delivery.push, {
      'X-Gitlab-Token': `${TOKEN.slice(0, -1)}X`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe(
      'X-Gitlab-Token does not match the configured secret token',
    );
    // The secret is never echoed back.
    expect(JSON.stringify(wrong.body)).not.toContain(TOKEN);
    const missing = await post(app, delivery.push, {});
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toBe('Missing X-Gitlab-Token header');
    const github = await post(app, delivery.push, {
      'X-Hub-Signature-256': 'sha256=00',
    });
    expect(github.status).toBe(401);
    expect(await store.counts()).toEqual(EMPTY);
  });

  it('answers 404 naming the setting when GitLab is not configured', async () => {
    const { gitlab: _gitlab, ...withoutGitlab } = testDoraConfig;
    const { app } = await start(withoutGitlab);
    const res = await post(app, delivery.push);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'GitLab webhooks are not configured (dora.gitlab.secretToken)',
    );
  });

  it('asks for X-Gitlab-Event, and acknowledges events it does not record', async () => {
    const { app, store } = await start();
    const noEvent = await request(app)
      .post('/webhooks/gitlab')
      .set('X-Gitlab-Token', TOKEN)
      .send(gitlabExamples.push);
    expect(noEvent.status).toBe(400);
    expect(noEvent.body.error.message).toBe('Missing X-Gitlab-Event header');
    for (const event of ['Pipeline Hook', 'Tag Push Hook', 'System Hook']) {
      const res = await post(app, [event, gitlabExamples.push]);
      expect({ event, status: res.status, body: res.body }).toEqual({
        event,
        status: 202,
        body: {
          accepted: 0,
          ignored: `GitLab event '${event}' is not recorded`,
        },
      });
    }
    const opened = await post(app, [
      'Merge Request Hook',
      gitlabExamples.mergeRequest,
    ]);
    expect(opened.body).toEqual({
      accepted: 0,
      ignored: 'merge request open without merge is not recorded',
    });
    expect(await store.counts()).toEqual(EMPTY);
  });

  it('rejects malformed payloads with a 400 naming the field, storing nothing', async () => {
    const { app, store } = await start();
    const cases: Array<[string, unknown, string]> = [
      [
        'Deployment Hook',
        gitlabExample(gitlabExamples.deployment, p => {
          p.status_changed_at = '2021-04-28';
        }),
        'Invalid Deployment Hook payload: status_changed_at: must be a date-time',
      ],
      [
        'Deployment Hook',
        gitlabExample(gitlabExamples.deployment, p => {
          p.status_changed_at = '2999-01-01 00:00:00 +0000';
        }),
        'startedAt must not be in the future',
      ],
      [
        'Deployment Hook',
        gitlabExample(gitlabExamples.deployment, p => {
          p.commit_url = 'http://example.com/-/commit/279484c0';
        }),
        'commit_url: must end in /-/commit/<full commit SHA>',
      ],
      [
        'Push Hook',
        gitlabExample(gitlabExamples.push, p => {
          delete p.project;
        }),
        'Invalid Push Hook payload: project:',
      ],
      [
        'Push Hook',
        gitlabExample(gitlabExamples.push, p => {
          p.commits[1].id = 'da15608';
        }),
        'commits.1.id: must be a full hex commit SHA',
      ],
      [
        'Merge Request Hook',
        gitlabExample(mergedRequest(MERGE_SHA, 'soon'), () => {}),
        'object_attributes.updated_at: must be a date-time',
      ],
      ['Push Hook', [], 'Invalid Push Hook payload: (root)'],
    ];
    for (const [event, payload, message] of cases) {
      const res = await post(app, [event, payload]);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    const notJson = await request(app)
      .post('/webhooks/gitlab')
      .set({ 'X-Gitlab-Token': TOKEN, 'X-Gitlab-Event': 'Push Hook' })
      .set('Content-Type', 'application/json')
      .send('{"object_kind":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toContain('not valid JSON');
    expect(await store.counts()).toEqual(EMPTY);
  });
});
