import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { generateDemoHistory } from '../demo/generateDemoHistory';
import { DAY_MS } from '../domain';
import { demoResolver } from './DemoSeeder';
import { factFromRow, rollupFromRow } from '../database/factRows';
import { DoraStore } from './DoraStore';
import { NormalizedEvent } from '../domain/events';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const NOW = Date.parse('2025-06-01T00:00:00Z');
/**
 * Three weeks of the demo organisation (streams, incidents, rollbacks), every fifth deployment
 * without its commit list so that commits are inferred too.
 */
const history = generateDemoHistory({ now: NOW, days: 21 }).map((e, i) =>
  e.type === 'deployment' && i % 5 === 0 ? { ...e, commits: undefined } : e,
);
const resolve = demoResolver(() => null);

/** Deterministic shuffle (mulberry32). */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** The derived tables, normalised across drivers and sorted. */
async function derived(knex: Knex) {
  const facts = (await knex('dora_deployment_facts')).map(factFromRow);
  const rollups = (await knex('dora_daily_rollups')).map(rollupFromRow);
  const weekly = (await knex('dora_weekly_rollups')).map(rollupFromRow);
  const unlinked = (await knex('dora_unlinked_incidents')).map((r: any) => ({
    service: r.service,
    id: r.incident_id,
    openedAt: Number(r.opened_at),
  }));
  const by = (key: (x: any) => string) => (a: any, b: any) => {
    if (key(a) === key(b)) {
      return 0;
    }
    return key(a) < key(b) ? -1 : 1;
  };
  return {
    facts: facts.sort(by(f => `${f.service} ${f.id}`)),
    rollups: rollups.sort(by(r => `${r.service} ${r.stream} ${r.day}`)),
    weekly: weekly.sort(by(r => `${r.service} ${r.stream} ${r.day}`)),
    unlinked: unlinked.sort(by(i => `${i.service} ${i.id}`)),
  };
}

describe('derived facts and daily rollups', () => {
  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  /** Where the hand-written events of the tests below come from. */
  const origin = {
    source: 'api:test',
    serviceKeyType: 'entity' as const,
    serviceKey: 'component:default/payments-api',
  };

  /** A successful production deployment of one commit, taking a minute. */
  const deployment = (id: string, finishedAt: number, sha: string) => ({
    ...origin,
    type: 'deployment' as const,
    externalId: id,
    environment: 'production',
    stream: 'production',
    production: true,
    status: 'success' as const,
    kind: 'regular' as const,
    commitSha: sha,
    commits: [sha],
    startedAt: finishedAt - 60_000,
    finishedAt,
  });

  async function ingestAll(store: DoraStore, groups: NormalizedEvent[][]) {
    for (const group of groups) {
      await store.ingest(group, resolve, NOW);
    }
  }

  it.each(databases.eachSupportedId())(
    'are the same whatever the order, batching and redelivery, and equal a full rebuild, %p',
    async databaseId => {
      const inOrder = await createStore(databaseId);
      await ingestAll(inOrder.store, batches(history, 1000));
      const expected = await derived(inOrder.knex);
      expect(expected.facts.length).toBeGreaterThan(100);
      expect(expected.facts.some(f => f.failed)).toBe(true);
      expect(expected.facts.some(f => f.inferred)).toBe(true);
      expect(expected.facts.some(f => f.rolledBack)).toBe(true);
      expect(expected.rollups.length).toBeGreaterThan(20);

      // Shuffled into small batches, with a tenth delivered twice and reversed at the end.
      const scrambled = await createStore(databaseId);
      const events = shuffled(history, 7);
      await ingestAll(scrambled.store, batches(events, 37));
      await ingestAll(
        scrambled.store,
        batches(events.slice(0, Math.floor(events.length / 10)).reverse(), 5),
      );
      expect(await derived(scrambled.knex)).toEqual(expected);

      await inOrder.store.rebuildAll();
      expect(await derived(inOrder.knex)).toEqual(expected);
    },
  );

  it.each(databases.eachSupportedId())(
    'are the same when small batches read commits by SHA and a rebuild reads them by period, %p',
    async databaseId => {
      // Every deployment lists its commits, so small batches take the lookup by SHA.
      const listed = generateDemoHistory({ now: NOW, days: 14, seed: 11 });
      const { knex, store } = await createStore(databaseId);
      await ingestAll(store, batches(shuffled(listed, 3), 25));
      const incremental = await derived(knex);
      expect(incremental.facts.some(f => f.leadTimesMs.length > 0)).toBe(true);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  it.each(databases.eachSupportedId())(
    'are the same when every event arrives alone, in any order, some twice, with narrow spans, %p',
    async databaseId => {
      // Every deployment lists its commits: single events take the narrow spans and the SHA index.
      const listed = generateDemoHistory({ now: NOW, days: 10, seed: 5 });
      const reference = await createStore(databaseId);
      await ingestAll(reference.store, [listed]);
      const expected = await derived(reference.knex);
      expect(expected.facts.some(f => f.leadTimesMs.length > 0)).toBe(true);
      expect(expected.facts.some(f => f.failed)).toBe(true);

      const { knex, store } = await createStore(databaseId);
      const events = shuffled(listed, 21);
      await ingestAll(
        store,
        [...events, ...events.slice(0, 40)].map(e => [e]),
      );
      expect(await derived(knex)).toEqual(expected);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(expected);
    },
  );

  it.each(databases.eachSupportedId())(
    'move an unlinked incident to a deployment reported after it, across midnight, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const midnight = NOW - 10 * DAY_MS;
      // P before midnight, the incident after it, D (between them) reported last.
      await store.ingest(
        [deployment('p', midnight - 3_600_000, 'aaaaaaa')],
        resolve,
        NOW,
      );
      await store.ingest(
        [
          {
            ...origin,
            type: 'incident',
            externalId: 'i1',
            openedAt: midnight + 2 * 3_600_000,
            resolvedAt: midnight + 3 * 3_600_000,
          },
        ],
        resolve,
        NOW,
      );
      expect((await derived(knex)).facts).toEqual([
        expect.objectContaining({ id: 'p', failed: true }),
      ]);
      await store.ingest(
        [deployment('d', midnight + 3_600_000, 'bbbbbbb')],
        resolve,
        NOW,
      );
      const incremental = await derived(knex);
      expect(incremental.facts).toEqual([
        expect.objectContaining({ id: 'd', failed: true }),
        expect.objectContaining({ id: 'p', failed: false }),
      ]);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  it.each(databases.eachSupportedId())(
    'stay consistent when two replicas ingest overlapping batches at once, %p',
    async databaseId => {
      const reference = await createStore(databaseId);
      await ingestAll(reference.store, [history]);
      const expected = await derived(reference.knex);

      const { knex } = await createStore(databaseId);
      const replicas = await Promise.all(
        [1, 2].map(() =>
          DoraStore.create({
            database: { getClient: async () => knex },
            skipMigrations: true,
          }),
        ),
      );
      // Each replica gets its own shuffle of all events: every event arrives twice, concurrently.
      await Promise.all(
        replicas.map((replica, i) =>
          ingestAll(replica, batches(shuffled(history, 100 + i), 60)),
        ),
      );
      expect(await derived(knex)).toEqual(expected);
    },
  );

  it.each(databases.eachSupportedId())(
    'reflect a commit reported long after the deployment that shipped it, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const committedAt = NOW - 40 * DAY_MS;
      const deployedAt = NOW - 20 * DAY_MS;
      await store.ingest(
        [deployment('d1', deployedAt, 'c0ffee1')],
        resolve,
        NOW,
      );
      let [fact] = (await derived(knex)).facts;
      expect(fact).toMatchObject({ leadTimesMs: [], commitsWithoutTime: 1 });

      await store.ingest(
        [
          {
            ...origin,
            type: 'change',
            externalId: 'c0ffee1',
            sha: 'c0ffee1',
            committedAt,
          },
        ],
        resolve,
        NOW,
      );
      [fact] = (await derived(knex)).facts;
      expect(fact).toMatchObject({
        leadTimesMs: [deployedAt - committedAt],
        commitsWithoutTime: 0,
      });
    },
  );

  const change = (sha: string, committedAt: number) => ({
    ...origin,
    type: 'change' as const,
    externalId: sha,
    sha,
    committedAt,
  });

  it.each(databases.eachSupportedId())(
    'count a commit once when an infrequent deployer infers commits 40 days apart (issue 16, 6), %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const day = (n: number) => NOW - 80 * DAY_MS + n * DAY_MS;
      // A (day 15) and B (day 55) report no commit list: each takes every commit up to its head.
      const commitless = (id: string, at: number, sha: string) => ({
        ...deployment(id, at, sha),
        commits: undefined,
      });
      await store.ingest(
        [change('c1', day(0)), commitless('A', day(15), 'c1')],
        resolve,
        NOW,
      );
      await store.ingest(
        [change('c2', day(50)), commitless('B', day(55), 'c2')],
        resolve,
        NOW,
      );
      const facts = (await derived(knex)).facts;
      // Hand-computed: A shipped c1 after 15 days, B only c2 after 5 days.
      expect(facts.map(f => [f.id, f.leadTimesMs])).toEqual([
        ['A', [15 * DAY_MS]],
        ['B', [5 * DAY_MS]],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keep lead times longer than 60 days (issue 16, 6), %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const committedAt = NOW - 80 * DAY_MS;
      const deployedAt = NOW - 10 * DAY_MS;
      await store.ingest([change('c0', committedAt)], resolve, NOW);
      await store.ingest([deployment('D', deployedAt, 'c0')], resolve, NOW);
      const [fact] = (await derived(knex)).facts;
      expect(fact).toMatchObject({
        leadTimesMs: [70 * DAY_MS],
        commitsWithoutTime: 0,
      });
      // The other way round: the commit reported after the deployment, 70 days after its time.
      await store.ingest([deployment('E', deployedAt + 1, 'c9')], resolve, NOW);
      await store.ingest([change('c9', committedAt)], resolve, NOW);
      const e = (await derived(knex)).facts.find(f => f.id === 'E');
      expect(e).toMatchObject({
        leadTimesMs: [70 * DAY_MS + 1],
        commitsWithoutTime: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'end a failure with a hotfix more than a week later (issue 16, 11), %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const deployedAt = NOW - 30 * DAY_MS;
      const fixedAt = deployedAt + 10 * DAY_MS;
      await store.ingest(
        [
          deployment('d1', deployedAt, 'aaa'),
          {
            ...origin,
            type: 'incident',
            externalId: 'INC-1',
            openedAt: deployedAt + 3_600_000,
            causeDeploymentId: 'd1',
          },
        ],
        resolve,
        NOW,
      );
      await store.ingest(
        [{ ...deployment('h1', fixedAt, 'bbb'), kind: 'hotfix' as const }],
        resolve,
        NOW,
      );
      const d1 = (await derived(knex)).facts.find(f => f.id === 'd1');
      // The incident is still open: the first hotfix after it opened ends the failure.
      expect(d1).toMatchObject({ failed: true, recoveredAt: fixedAt });
    },
  );

  /**
   * An incident naming commit C opened on day 0; the deployment that first ships C finishes on
   * day 40, beyond every window ingest derives around an event. Issue 16, 11: however the events
   * arrive, the incident is attributed to that deployment, as a rebuild from the raw events does.
   */
  const T0 = NOW - 100 * DAY_MS;
  const HOUR = 3_600_000;
  const namingIncident = {
    ...origin,
    type: 'incident' as const,
    externalId: 'INC-C',
    openedAt: T0,
    resolvedAt: T0 + 2 * HOUR,
    causeCommitSha: 'ccc',
  };
  /** The first deployment, shipping B two days before the incident. */
  const before = [
    change('bbb', T0 - 3 * DAY_MS),
    deployment('P', T0 - 2 * DAY_MS, 'bbb'),
  ];
  const shipsLater = deployment('D', T0 + 40 * DAY_MS, 'ccc');
  /** D without a commit list first, its list (C and its head) delivered later. */
  const listLater = [
    { ...deployment('D', T0 + 40 * DAY_MS, 'ddd'), commits: undefined },
    { ...deployment('D', T0 + 40 * DAY_MS, 'ddd'), commits: ['ccc', 'ddd'] },
  ];
  /** C and H pushed onto B in one push; D reports its head H only (commits by ancestry). */
  const pushedRange = [
    {
      ...change('ccc', T0 - DAY_MS),
      pushed: { before: 'bbb', head: 'hhh', index: 0 },
    },
    {
      ...change('hhh', T0 - DAY_MS + HOUR),
      pushed: { before: 'bbb', head: 'hhh', index: 1 },
    },
  ];
  /** C and H without a range: D (head H, no commit list) takes them by commit time. */
  const byCommitTime = [
    change('ccc', T0 - DAY_MS),
    change('hhh', T0 - DAY_MS + HOUR),
  ];
  const byHead = {
    ...deployment('D', T0 + 40 * DAY_MS, 'hhh'),
    commits: undefined,
  };
  const lateShippingOrders: Array<[string, NormalizedEvent[][]]> = [
    [
      'incident, then the deployment 40 days later',
      [[namingIncident], [shipsLater]],
    ],
    [
      'the deployment, then the incident 40 days before it',
      [[shipsLater], [namingIncident]],
    ],
    [
      'incident, deployment, its commit list last',
      [[namingIncident], [listLater[0]], [listLater[1]]],
    ],
    [
      'deployment, incident, its commit list last',
      [[listLater[0]], [namingIncident], [listLater[1]]],
    ],
    [
      'deployment, its commit list, incident last',
      [[listLater[0]], [listLater[1]], [namingIncident]],
    ],
    [
      'incident, push range, deployment of its head',
      [[namingIncident], pushedRange, [byHead]],
    ],
    [
      'incident, deployment of the head, push range last',
      [[namingIncident], [byHead], pushedRange],
    ],
    [
      'deployment of the head, push range, incident last',
      [[byHead], pushedRange, [namingIncident]],
    ],
    [
      'push range, deployment of the head, incident last',
      [pushedRange, [byHead], [namingIncident]],
    ],
    [
      'deployment of the head, incident, push range last',
      [[byHead], [namingIncident], pushedRange],
    ],
    [
      'each commit of the push alone, the first one last',
      [[namingIncident], [byHead], [pushedRange[1]], [pushedRange[0]]],
    ],
    [
      'incident, commits, deployment taking them by commit time',
      [[namingIncident], byCommitTime, [byHead]],
    ],
    [
      'deployment taking commits by commit time, commits, incident last',
      [[byHead], byCommitTime, [namingIncident]],
    ],
    [
      'commits, deployment taking them by commit time, incident last',
      [byCommitTime, [byHead], [namingIncident]],
    ],
    [
      'incident, deployment taking commits by commit time, commits last',
      [[namingIncident], [byHead], byCommitTime],
    ],
  ];

  it.each(
    databases
      .eachSupportedId()
      .flatMap(([databaseId]) =>
        lateShippingOrders.map(
          ([order, groups]) => [databaseId, order, groups] as const,
        ),
      ),
  )(
    'link an incident to the deployment weeks later that ships the commit it names, as a rebuild does, %p: %s',
    async (databaseId, _order, groups) => {
      const { knex, store } = await createStore(databaseId);
      await ingestAll(store, [before, ...groups]);
      const incremental = await derived(knex);
      // Hand-computed: D shipped C first, so it failed from the incident's opening until its
      // resolution; P shipped B only and did not fail; no incident is unlinked.
      expect(
        incremental.facts.map(f => ({
          id: f.id,
          failed: f.failed,
          linkedIncidents: f.linkedIncidents,
          failureStart: f.failureStart,
          recoveredAt: f.recoveredAt,
        })),
      ).toEqual([
        {
          id: 'D',
          failed: true,
          linkedIncidents: 1,
          failureStart: T0,
          recoveredAt: T0 + 2 * HOUR,
        },
        {
          id: 'P',
          failed: false,
          linkedIncidents: 0,
          failureStart: null,
          recoveredAt: null,
        },
      ]);
      expect(incremental.unlinked).toEqual([]);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  /** Deployment without a commit list (its commits are inferred up to its head's commit time). */
  const inferring = (id: string, finishedAt: number, head: string) => ({
    ...deployment(id, finishedAt, head),
    commits: undefined,
  });
  const factsOf = async (knex: Knex, id: string) =>
    (await derived(knex)).facts.find(f => f.id === id);

  it.each(databases.eachSupportedId())(
    'give a commit reported after its deployments to the first one inferring it, however much later than the commit, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      // D1's head A is older than C: C goes to D2 (head B), 31 days after C's commit time.
      await ingestAll(store, [
        [change('aaa', T0 - 1000)],
        [inferring('D1', T0 + 30 * DAY_MS, 'aaa')],
        [change('bbb', T0 + 31 * DAY_MS - HOUR)],
        [inferring('D2', T0 + 31 * DAY_MS, 'bbb')],
        [change('ccc', T0)],
      ]);
      expect(await factsOf(knex, 'D2')).toMatchObject({
        inferred: true,
        leadTimesMs: [HOUR, 31 * DAY_MS],
      });
      const incremental = await derived(knex);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  it.each(databases.eachSupportedId())(
    'take back from a later deployment inferring its commits, however much later, a commit a late deployment lists, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      // D2 (head B) infers L until DL, reported last, lists L 19 days before it.
      await ingestAll(store, [
        [change('aaa', T0)],
        [inferring('D1', T0 + 10 * DAY_MS, 'aaa')],
        [change('bbb', T0 + 20 * DAY_MS - HOUR)],
        [inferring('D2', T0 + 20 * DAY_MS, 'bbb')],
        [change('lll', T0 + 1000)],
        [deployment('DL', T0 + HOUR, 'lll')],
      ]);
      expect(await factsOf(knex, 'D2')).toMatchObject({
        inferred: false,
        leadTimesMs: [HOUR],
      });
      const incremental = await derived(knex);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  it.each(databases.eachSupportedId())(
    "keep an incident linked to the later deployment inferring the commit it names when only the incident's days are derived again, %p",
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      // C's commit time (a skewed clock) is after the incident and past the derived days; D
      // (head H) infers C.
      await ingestAll(store, [
        [change('hhh', T0 + 5 * DAY_MS + HOUR)],
        [inferring('D', T0 + 5 * DAY_MS + 2 * HOUR, 'hhh')],
        [change('ccc', T0 + 5 * DAY_MS)],
        [namingIncident],
        // Derives the days up to a week after it opened: the incident's, not D's.
        [
          {
            ...origin,
            type: 'incident' as const,
            externalId: 'INC-X',
            openedAt: T0 - 5 * DAY_MS,
          },
        ],
      ]);
      expect(await factsOf(knex, 'D')).toMatchObject({
        failed: true,
        linkedIncidents: 1,
      });
      const incremental = await derived(knex);
      expect(incremental.unlinked.map(i => i.id)).toEqual(['INC-X']);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  it.each(databases.eachSupportedId())(
    'count a release failed once when an incident naming a commit fails its first rollout days later, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const at = T0 + 8 * DAY_MS + 23 * HOUR;
      // The release of H rolls out to eu at `at` and to us an hour later (the next day), where an
      // incident without a cause falls back to it; then an incident naming C, which eu inferred,
      // fails eu: the release failed there, not on its second rollout.
      await ingestAll(store, [
        [change('hhh', at - HOUR)],
        [{ ...inferring('EU', at, 'hhh'), stream: 'production/eu' }],
        [{ ...inferring('US', at + HOUR, 'hhh'), stream: 'production/us' }],
        [
          {
            ...origin,
            type: 'incident' as const,
            externalId: 'INC-US',
            openedAt: at + 2 * HOUR,
          },
        ],
        [change('ccc', T0 - HOUR)],
        [{ ...namingIncident, openedAt: T0 + 2 * HOUR, resolvedAt: undefined }],
      ]);
      expect(await factsOf(knex, 'EU')).toMatchObject({
        failed: true,
        releaseFailure: true,
      });
      expect(await factsOf(knex, 'US')).toMatchObject({
        failed: true,
        releaseFailure: false,
      });
      const incremental = await derived(knex);
      await store.rebuildAll();
      expect(await derived(knex)).toEqual(incremental);
    },
  );

  it.each(databases.eachSupportedId())(
    'are backfilled from events stored before the upgrade, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@internal/plugin-dora-backend',
        'migrations',
      );
      await knex.migrate.up({ directory, name: '20261121000000_init.js' });
      const row = {
        source: 'api:test',
        service_key_type: 'entity',
        service_key: 'component:default/payments-api',
        entity_ref: 'component:default/payments-api',
        received_at: NOW,
      };
      await knex('dora_changes').insert({
        ...row,
        external_id: 'c1',
        sha: 'c1',
        committed_at: NOW - 5 * 3_600_000,
      });
      await knex('dora_deployments').insert({
        ...row,
        external_id: 'd1',
        environment: 'production',
        stream: 'production',
        production: true,
        status: 'success',
        status_rank: 4,
        kind: 'regular',
        commit_sha: 'c1',
        commits: JSON.stringify(['c1']),
        started_at: NOW - 3_600_000,
        finished_at: NOW - 3_000_000,
      });

      await DoraStore.create({ database: { getClient: async () => knex } });
      // The SHA index covers deployments stored before its migration.
      expect(
        (await knex('dora_deployment_shas').select('sha')).map(r => r.sha),
      ).toEqual(['c1']);
      const { facts, rollups } = await derived(knex);
      expect(facts).toEqual([
        expect.objectContaining({
          service: 'component:default/payments-api',
          id: 'd1',
          leadTimesMs: [5 * 3_600_000 - 3_000_000],
        }),
      ]);
      expect(rollups).toEqual([
        expect.objectContaining({ deployments: 1, commits: 1 }),
      ]);
      expect((await derived(knex)).weekly).toEqual([
        expect.objectContaining({ deployments: 1, commits: 1 }),
      ]);
      // A second start finds the marker and leaves the tables alone.
      await knex('dora_daily_rollups').delete();
      await DoraStore.create({ database: { getClient: async () => knex } });
      expect((await derived(knex)).rollups).toEqual([]);

      // Data derived by the first version (marker v1, no weekly rollups) is derived again.
      await knex('dora_weekly_rollups').delete();
      await knex('dora_markers')
        .where('name', 'like', 'facts-v6%')
        .update({ name: 'facts-v1:fallback-86400000' });
      await DoraStore.create({ database: { getClient: async () => knex } });
      expect((await derived(knex)).weekly).toHaveLength(1);
      expect((await derived(knex)).rollups).toHaveLength(1);
      expect(
        (await knex('dora_markers').select('name')).map(r => r.name).sort(),
      ).toEqual(['facts-v6:fallback-86400000']);
    },
  );
});
