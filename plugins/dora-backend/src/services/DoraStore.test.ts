import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { DoraStore } from './DoraStore';
import { NormalizedEvent } from '../domain/events';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const T = Date.parse('2025-03-03T10:00:00Z');
const origin = {
  source: 'api:test',
  serviceKeyType: 'github' as const,
  serviceKey: 'fernhill/payments-api',
};
const resolve = (type: string, key: string) =>
  type === 'github' && key === 'fernhill/payments-api'
    ? 'component:default/payments-api'
    : null;

const inProgress: NormalizedEvent = {
  ...origin,
  type: 'deployment',
  externalId: 'd1',
  environment: 'production',
  stream: 'production',
  production: true,
  status: 'in_progress',
  kind: 'regular',
  startedAt: T,
};
const success: NormalizedEvent = {
  ...inProgress,
  status: 'success',
  commitSha: 'abc1234',
  finishedAt: T + 60_000,
};
const triggered: NormalizedEvent = {
  ...origin,
  type: 'incident',
  externalId: 'i1',
  openedAt: T + 120_000,
  severity: 'high',
};
const resolved: NormalizedEvent = { ...triggered, resolvedAt: T + 240_000 };

describe('DoraStore', () => {
  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  const window = { from: T - 1000, to: T + 3_600_000, lookbackMs: 0 };

  it.each(databases.eachSupportedId())(
    'stores redelivered events once and converges whatever the order, %p',
    async databaseId => {
      const { store: inOrder } = await createStore(databaseId);
      await inOrder.ingest([inProgress], resolve);
      await inOrder.ingest([success], resolve);
      await inOrder.ingest([success, triggered], resolve);
      await inOrder.ingest([resolved], resolve);

      const { store: reversed } = await createStore(databaseId);
      await reversed.ingest([resolved, success], resolve);
      await reversed.ingest([triggered, inProgress, inProgress], resolve);

      for (const store of [inOrder, reversed]) {
        expect(await store.counts()).toEqual({
          deployment: 1,
          change: 0,
          incident: 1,
          rollback: 0,
        });
        const events = await store.loadEvents({
          ...window,
          entityRefs: ['component:default/payments-api'],
        });
        expect(events.deployments).toEqual([
          expect.objectContaining({
            id: 'd1',
            status: 'success',
            finishedAt: T + 60_000,
            commitSha: 'abc1234',
            service: 'component:default/payments-api',
          }),
        ]);
        expect(events.incidents).toEqual([
          expect.objectContaining({
            openedAt: T + 120_000,
            resolvedAt: T + 240_000,
          }),
        ]);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'ends in the same rows for any delivery order and batching of partial reports, %p',
    async databaseId => {
      // Reports of one deployment and one commit that disagree in their details: a start report
      // that alone names the commits, a success without them, a later success, and the commit's
      // push and merge events with different times.
      const reports: NormalizedEvent[] = [
        {
          ...inProgress,
          startedAt: T - 30_000,
          commits: ['abc1234', 'def5678'],
          version: '1.4.0',
        },
        { ...success, commitSha: undefined, finishedAt: T + 60_000 },
        { ...success, commitSha: 'abc1234', finishedAt: T + 90_000 },
        { ...inProgress, startedAt: T },
        {
          ...origin,
          type: 'change',
          externalId: 'fernhill/payments-api@abc1234',
          sha: 'abc1234',
          committedAt: T - 600_000,
        },
        {
          ...origin,
          type: 'change',
          externalId: 'fernhill/payments-api@abc1234',
          sha: 'abc1234',
          committedAt: T - 590_000,
          prNumber: 12,
        },
      ];
      const rowsAfter = async (batches: NormalizedEvent[][]) => {
        const { knex, store } = await createStore(databaseId);
        for (const batch of batches) await store.ingest(batch, resolve);
        const rows = await Promise.all(
          ['dora_deployments', 'dora_changes'].map(table =>
            knex(table)
              .select('*')
              .then(r => r.map(({ received_at, ...row }) => row)),
          ),
        );
        return JSON.parse(JSON.stringify(rows));
      };
      const expected = await rowsAfter(reports.map(r => [r]));
      expect(expected[0][0]).toMatchObject({
        status: 'success',
        started_at: expect.anything(),
        commit_sha: 'abc1234',
      });
      await fc.assert(
        fc.asyncProperty(
          fc.shuffledSubarray(reports, {
            minLength: reports.length,
            maxLength: reports.length,
          }),
          fc.integer({ min: 1, max: 3 }),
          async (order, size) => {
            const batches: NormalizedEvent[][] = [];
            for (let i = 0; i < order.length; i += size) {
              batches.push(order.slice(i, i + size));
            }
            expect(await rowsAfter(batches)).toEqual(expected);
          },
        ),
        { numRuns: databaseId === 'POSTGRES_18' ? 8 : 25 },
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'survives concurrent duplicate ingests, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const batch = Array.from(
        { length: 20 },
        (_, i): NormalizedEvent => ({
          ...success,
          externalId: `d${i}`,
        }),
      );
      await Promise.all([
        store.ingest(batch, resolve),
        store.ingest([...batch].reverse(), resolve),
        store.ingest(batch, resolve),
      ]);
      expect((await store.counts()).deployment).toBe(20);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps unmapped events, lists them and remaps them when the catalog learns them, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const change: NormalizedEvent = {
        ...origin,
        type: 'change',
        externalId: 'fernhill/unknown@abc1234',
        serviceKey: 'fernhill/unknown',
        sha: 'abc1234',
        committedAt: T,
      };
      await store.ingest([change, { ...change, prNumber: 7 }], resolve);
      expect(await store.listUnmapped()).toEqual([
        {
          serviceKeyType: 'github',
          service: 'fernhill/unknown',
          annotation: 'github.com/project-slug',
          eventCount: 1,
          lastSeenAt: expect.any(String),
        },
      ]);
      expect((await store.loadEvents(window)).changes[0].service).toBe(
        'unmapped:github:fernhill/unknown',
      );
      expect(await store.remap(() => 'component:default/unknown')).toBe(1);
      expect(await store.listUnmapped()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls back a whole batch when one row fails, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      // Deployments are written first; removing the changes table makes the batch fail after that.
      await knex.schema.dropTable('dora_changes');
      const change: NormalizedEvent = {
        ...origin,
        type: 'change',
        externalId: 'c1',
        sha: 'abc1234',
        committedAt: T,
      };
      // The driver's error may come from another module realm, so match its shape, not its class.
      await expect(
        store.ingest([success, change], resolve),
      ).rejects.toHaveProperty('message');
      expect(await knex('dora_deployments').count({ count: '*' })).toEqual([
        { count: databaseId === 'POSTGRES_18' ? '0' : 0 },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'runs a one-off job on exactly one replica, %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      const replicas = await Promise.all(
        [1, 2, 3].map(() =>
          DoraStore.create({
            database: { getClient: async () => knex },
            skipMigrations: true,
          }),
        ),
      );
      const job = jest.fn(async (tx: DoraStore) =>
        tx.ingest([success], resolve),
      );
      const results = await Promise.all(
        replicas.map(r => r.runOnce('seed', job)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(job).toHaveBeenCalledTimes(1);
      expect((await replicas[0].counts()).deployment).toBe(1);
    },
  );
});
