import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import {
  AdoptionEventRecord,
  DAY_MS,
  durationBucketSeconds,
  PortalRequestFacts,
  TemplateRunFacts,
  TemplateRunStatus,
} from '../domain';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestStore } from '../__testUtils__/testUtils';
import { AdoptionData } from './AdoptionData';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const T0 = Date.parse('2026-11-02T00:00:00Z');
const SPAN = 6 * DAY_MS;
const STATUSES: TemplateRunStatus[] = [
  'open',
  'processing',
  'completed',
  'failed',
  'cancelled',
] as TemplateRunStatus[];

const time = fc.integer({ min: 0, max: SPAN - 1 }).map(t => T0 + t);

/** A delivery of a run: task ids from a small pool, so later deliveries update earlier ones. */
const run = fc.record({
  taskId: fc.integer({ min: 0, max: 12 }).map(i => `task-${i}`),
  templateRef: fc.constantFrom('template:default/a', 'template:default/b'),
  templateVersion: fc.constant('1.0.0'),
  status: fc.constantFrom(...STATUSES),
  createdAt: time,
  finishedAt: fc.constant(null),
  durationMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: null }),
  failedStep: fc.option(fc.constantFrom('fetch', 'publish'), { nil: null }),
  errorMessage: fc.option(fc.constantFrom('boom', 'Failed 42'), { nil: null }),
});

/** An event delivery: ids from a small pool, so some are redeliveries. */
const event = fc
  .record({
    n: fc.integer({ min: 0, max: 15 }),
    type: fc.constantFrom('self-service', 'template-run'),
    occurredAt: time,
    owner: fc.option(fc.constantFrom('group:default/x', 'group:default/y'), {
      nil: null,
    }),
    requestedDelta: fc.option(fc.integer({ min: 0, max: 3_600_000 }), {
      nil: null,
    }),
    readyDelta: fc.option(fc.integer({ min: 0, max: 7_200_000 }), {
      nil: null,
    }),
    durationMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: null }),
    status: fc.option(fc.constantFrom('completed', 'failed'), { nil: null }),
    task: fc.integer({ min: 0, max: 12 }),
  })
  .map(
    (e): AdoptionEventRecord => ({
      id: `event-${e.n}`,
      type: e.type as AdoptionEventRecord['type'],
      occurredAt: e.occurredAt,
      templateRef: e.type === 'template-run' ? 'template:default/a' : null,
      templateVersion: null,
      taskId: e.type === 'template-run' ? `task-${e.task}` : null,
      entityRef: null,
      owner: e.owner,
      kind: e.type === 'self-service' ? 'database' : null,
      requestedAt:
        e.requestedDelta === null ? null : e.occurredAt - e.requestedDelta,
      readyAt:
        e.readyDelta === null || e.requestedDelta === null
          ? null
          : e.occurredAt - e.requestedDelta + e.readyDelta,
      status: e.status as AdoptionEventRecord['status'],
      durationMs: e.durationMs,
    }),
  );

const write = fc.oneof(
  fc.array(run, { minLength: 1, maxLength: 6 }).map(r => ({ runs: r })),
  fc.array(event, { minLength: 1, maxLength: 6 }).map(e => ({ events: e })),
);

const sortedRunFacts = (f: TemplateRunFacts) => ({
  counts: [...f.counts].sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  ),
  failures: [...f.failures].sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  ),
  durations: [...f.durations].sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  ),
});
const sortedRequestFacts = (f: PortalRequestFacts) => ({
  counts: [...f.counts].sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  ),
  readyMinutes: [...f.readyMinutes].sort((a, b) => a.minutes - b.minutes),
});

describe.each(databases.eachSupportedId())('rollups on %p', databaseId => {
  it('equal a recompute from the raw rows after any order of deliveries and redeliveries', async () => {
    const { knex, store } = await createTestStore(databases, databaseId);
    const tables = [
      'adoption_events',
      'adoption_template_runs',
      'adoption_run_days',
      'adoption_run_duration_weeks',
      'adoption_request_days',
      'adoption_request_ready_days',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: SPAN }),
        fc.integer({ min: 1, max: SPAN }),
        async (writes, from, length) => {
          for (const table of tables) await knex(table).delete();
          // Every write delivered twice, the second time after the others.
          for (const w of [...writes, ...writes.slice().reverse()]) {
            if ('runs' in w) await store.upsertRuns(w.runs);
            else await store.insertEvents(w.events);
          }
          for (const window of [
            { from: T0 + from, to: T0 + from + length },
            { from: T0, to: T0 + SPAN },
          ]) {
            expect(
              sortedRunFacts(await store.templateRunFacts(window)),
            ).toEqual(
              sortedRunFacts(await store.runs.templateRunFacts(window)),
            );
            expect(
              sortedRequestFacts(await store.portalRequestFacts(window)),
            ).toEqual(
              sortedRequestFacts(await store.events.portalRequestFacts(window)),
            );
          }
          // No rollup row left at zero, and event-only runs as the anti-join finds them.
          for (const table of tables.slice(2)) {
            expect(await knex(table).where('count', '<=', 0)).toEqual([]);
          }
          const flagged = await knex('adoption_events')
            .where('type', 'template-run')
            .where('history_run', true)
            .whereNotExists(
              knex('adoption_template_runs')
                .select(knex.raw('1'))
                .whereRaw(
                  'adoption_template_runs.task_id = adoption_events.task_id',
                ),
            );
          expect(flagged).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('counts a run once when two writers deliver it at the same time', async () => {
    const { knex, store } = await createTestStore(databases, databaseId);
    const runs = Array.from({ length: 30 }, (_, i) => ({
      taskId: `t${i}`,
      templateRef: 'template:default/a',
      templateVersion: null,
      status: 'completed' as TemplateRunStatus,
      createdAt: T0 + i * 3_600_000,
      finishedAt: null,
      durationMs: 5_000,
      failedStep: null,
      errorMessage: null,
    }));
    const events = runs.map(
      (r): AdoptionEventRecord => ({
        id: `${r.taskId}:e`,
        type: 'self-service',
        occurredAt: r.createdAt,
        templateRef: null,
        templateVersion: null,
        taskId: null,
        entityRef: null,
        owner: null,
        kind: 'database',
        requestedAt: null,
        readyAt: r.createdAt + 60_000,
        status: 'completed',
        durationMs: null,
      }),
    );
    await Promise.all([
      store.upsertRuns(runs),
      store.upsertRuns(runs),
      store.insertEvents(events),
      store.insertEvents(events),
    ]);
    const [{ total }] = await knex('adoption_run_days').sum({ total: 'count' });
    const [{ requests }] = await knex('adoption_request_days').sum({
      requests: 'count',
    });
    expect(Number(total)).toBe(30);
    expect(Number(requests)).toBe(30);
  });
});

describe('durationBucketSeconds', () => {
  it('is exact below 64 s and at most 1/32 low above, monotone, and idempotent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 * 24 * 3600 }), s => {
        const b = durationBucketSeconds(s);
        expect(s < 64 ? b : s).toBe(s);
        expect(b).toBeLessThanOrEqual(s);
        expect(s - b).toBeLessThanOrEqual(s / 32);
        expect(durationBucketSeconds(b)).toBe(b);
        expect(durationBucketSeconds(s + 1)).toBeGreaterThanOrEqual(b);
      }),
    );
  });
});

describe.each(databases.eachSupportedId())(
  'rollup migrations on %p',
  databaseId => {
    it('backfill the rollups from rows stored before them, and go down and up again', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@internal/plugin-adoption-backend',
        'migrations',
      );
      await knex.migrate.up({ directory, name: '20261122000000_init.js' });
      await knex.migrate.up({ directory, name: '20261122000100_summaries.js' });
      const runs = Array.from({ length: 40 }, (_, i) => ({
        task_id: `t${i}`,
        template_ref: `template:default/t${i % 3}`,
        status: ['completed', 'failed', 'processing'][i % 3],
        created_at: T0 + i * 7 * 3_600_000,
        duration_ms: i % 3 === 0 ? 1000 * (i * 37) : null,
      }));
      await knex('adoption_template_runs').insert(runs);
      await knex('adoption_events').insert(
        Array.from({ length: 30 }, (_, i) => ({
          id: `e${i}`,
          type: i % 2 ? 'self-service' : 'template-run',
          task_id: i % 2 ? null : `t${i}`,
          occurred_at: T0 + i * 5 * 3_600_000,
          requested_at: i % 4 === 0 ? null : T0 + i * 5 * 3_600_000 - 60_000,
          ready_at: i % 5 === 0 ? null : T0 + i * 5 * 3_600_000 + i * 61_000,
          owner: i % 3 ? 'group:default/x' : null,
          status: [null, 'completed', 'failed'][i % 3],
          received_at: T0,
        })),
      );
      await knex.migrate.latest({ directory });
      const store = await AdoptionData.create({
        database: { getClient: async () => knex },
      });
      const window = { from: T0 - DAY_MS, to: T0 + 20 * DAY_MS };
      const check = async () => {
        expect(sortedRunFacts(await store.templateRunFacts(window))).toEqual(
          sortedRunFacts(await store.runs.templateRunFacts(window)),
        );
        expect(
          sortedRequestFacts(await store.portalRequestFacts(window)),
        ).toEqual(
          sortedRequestFacts(await store.events.portalRequestFacts(window)),
        );
        expect(await store.events.eventOnlyRunEvents(window)).toEqual([]);
      };
      await check();
      const [{ n }] = await knex('adoption_run_days').sum({ n: 'count' });
      expect(Number(n)).toBe(40);
      // Down through the summaries' and the state's catalog version, the covering index and the
      // weekly durations.
      for (let i = 0; i < 4; i++) await knex.migrate.down({ directory });
      await knex.migrate.latest({ directory });
      await check();
    });
  },
);
