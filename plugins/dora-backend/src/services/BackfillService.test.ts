import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fc from 'fast-check';
import { Knex } from 'knex';
import { readDoraConfig } from '../config';
import { DAY_MS, HOUR_MS } from '../domain';
import { normalizeGenericRequest } from '../ingest/generic';
import { NumberedLine } from '../ingest/ndjson';
import { testDoraConfig, testEntities } from '../testUtils';
import { BackfillService } from './BackfillService';
import { CatalogServiceMap } from './CatalogServiceMap';
import { factFromRow, rollupFromRow } from '../database/factRows';
import { DoraStore } from './DoraStore';
import { IngestService } from './IngestService';
import {
  emptyTables,
  INGESTED_TABLES,
  RAW_EVENT_TABLES,
} from '../__testUtils__/tables';

jest.setTimeout(1_200_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const NOW = Date.parse('2025-06-01T00:00:00Z');
const START = NOW - 130 * DAY_MS;
const config = readDoraConfig(new ConfigReader({ dora: testDoraConfig }));
const SOURCE = 'deployer';
const iso = (ms: number) => new Date(ms).toISOString();

/** The raw event tables (without row ids and receipt times) and the derived ones, sorted. */
async function tables(knex: Knex) {
  const sorted = (rows: unknown[]) => rows.map(r => JSON.stringify(r)).sort();
  const raw: Record<string, string[]> = {};
  for (const table of RAW_EVENT_TABLES) {
    raw[table] = sorted(
      (await knex(table).select()).map(({ id, received_at, ...row }) => ({
        ...row,
        production:
          row.production === undefined ? undefined : Boolean(row.production),
      })),
    );
  }
  const shas = sorted(
    await knex('dora_deployment_shas')
      .join(
        'dora_deployments',
        'dora_deployments.id',
        'dora_deployment_shas.deployment_id',
      )
      .select('dora_deployments.external_id', 'dora_deployment_shas.sha'),
  );
  return {
    raw,
    shas,
    facts: sorted((await knex('dora_deployment_facts')).map(factFromRow)),
    rollups: sorted((await knex('dora_daily_rollups')).map(rollupFromRow)),
    weekly: sorted((await knex('dora_weekly_rollups')).map(rollupFromRow)),
    unlinked: sorted(
      (await knex('dora_unlinked_incidents')).map((r: any) => [
        r.service,
        r.incident_id,
        Number(r.opened_at),
      ]),
    ),
  };
}

const EVENT_TABLES = [
  ...INGESTED_TABLES,
  'dora_backfill_services',
  'dora_backfill_jobs',
];

async function createServices(knex: Knex, chunkLines: number) {
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  await emptyTables(knex, EVENT_TABLES);
  const logger = mockServices.logger.mock();
  const serviceMap = CatalogServiceMap.create({
    catalog: catalogServiceMock({ entities: testEntities }),
    auth: mockServices.auth(),
    logger,
  });
  const ingest = IngestService.create({ store, serviceMap, logger });
  const backfill = BackfillService.create({
    store,
    ingest,
    normalize: config,
    logger,
    chunkLines,
  });
  return { store, ingest, backfill };
}

async function* linesOf(
  events: object[],
  first = 1,
): AsyncGenerator<NumberedLine> {
  for (const [i, e] of events.entries()) {
    yield { number: first + i, text: JSON.stringify(e) };
  }
}

/**
 * Histories of two mapped services and an unmapped one over four months: commits (some with
 * their pull request), deployments to two regions with and without commit lists, reported first
 * in progress and then finished (or failed), hotfixes, incidents linked by id, by SHA (also one
 * opened weeks before the deployment that ships its commit) or not at all, and rollbacks.
 */
const history = fc
  .array(
    fc.record({
      service: fc.constantFrom('payments-api', 'hello-world', 'ghost-service'),
      day: fc.integer({ min: 0, max: 120 }),
      hour: fc.integer({ min: 0, max: 23 }),
      kind: fc.constantFrom('regular', 'regular', 'regular', 'hotfix'),
      status: fc.constantFrom('success', 'success', 'success', 'failure'),
      listed: fc.boolean(),
      bothRegions: fc.boolean(),
      inProgressReport: fc.boolean(),
      incident: fc.constantFrom(
        'none',
        'none',
        'id',
        'sha',
        'unlinked',
        'shaWeeksBefore',
      ),
      weeksBeforeDays: fc.integer({ min: 31, max: 60 }),
      resolvedAfterHours: fc.option(fc.integer({ min: 1, max: 300 })),
      commitAgeHours: fc.integer({ min: 1, max: 24 * 40 }),
      rollback: fc.boolean(),
    }),
    { minLength: 3, maxLength: 16 },
  )
  .map(items => {
    const events: object[] = [];
    items.forEach((item, i) => {
      const at = START + item.day * DAY_MS + item.hour * HOUR_MS + i * 1000;
      const sha = `${i.toString(16).padStart(4, '0')}`.padEnd(40, 'c');
      events.push({
        type: 'change',
        service: item.service,
        sha,
        committedAt: iso(at - item.commitAgeHours * HOUR_MS),
        ...(i % 3 === 0 ? { pullRequest: { number: i + 1 } } : {}),
      });
      for (const region of item.bothRegions ? ['eu', 'us'] : ['eu']) {
        const finishedAt = at + (region === 'us' ? HOUR_MS : 0);
        const deployment = {
          type: 'deployment',
          id: `${item.service}-${region}-${i}`,
          service: item.service,
          environment: 'production',
          stream: `production/${region}`,
          kind: item.kind,
          commitSha: sha,
          ...(item.listed ? { commits: [sha] } : {}),
          startedAt: iso(finishedAt - 60_000),
        };
        if (item.inProgressReport) {
          events.push({ ...deployment, status: 'in_progress' });
        }
        events.push({
          ...deployment,
          status: item.status,
          finishedAt: iso(finishedAt),
        });
      }
      if (item.incident !== 'none') {
        // 'shaWeeksBefore': opened more than 30 days before the deployment that ships the commit
        // it names (attributed to it all the same).
        const openedAt =
          item.incident === 'shaWeeksBefore'
            ? at - item.weeksBeforeDays * DAY_MS
            : at + 2 * HOUR_MS;
        events.push({
          type: 'incident',
          id: `inc-${i}`,
          service: item.service,
          openedAt: iso(openedAt),
          ...(item.resolvedAfterHours === null
            ? {}
            : {
                resolvedAt: iso(
                  Math.min(
                    openedAt + item.resolvedAfterHours * HOUR_MS,
                    NOW - HOUR_MS,
                  ),
                ),
              }),
          ...(item.incident === 'id'
            ? { causeDeploymentId: `${item.service}-eu-${i}` }
            : {}),
          ...(item.incident === 'sha' || item.incident === 'shaWeeksBefore'
            ? { causeCommitSha: sha }
            : {}),
        });
      }
      if (item.rollback) {
        events.push({
          type: 'rollback',
          id: `rb-${i}`,
          service: item.service,
          environment: 'production',
          stream: 'production/eu',
          rolledBackDeploymentId: `${item.service}-eu-${i}`,
          at: iso(at + 3 * HOUR_MS),
        });
      }
    });
    return events;
  });

/** A history, its events in another order with some delivered twice, and how to split them. */
const scenario = history.chain(events =>
  fc.record({
    events: fc.constant(events),
    order: fc.shuffledSubarray(events, {
      minLength: events.length,
      maxLength: events.length,
    }),
    redelivered: fc.subarray(events),
    batch: fc.integer({ min: 1, max: 8 }),
    chunk: fc.integer({ min: 1, max: 20 }),
    split: fc.double({ min: 0, max: 1, noNaN: true }),
    live: fc.double({ min: 0, max: 0.3, noNaN: true }),
  }),
);

describe('bulk backfill', () => {
  it.each(databases.eachSupportedId())(
    'stores the same events as the normal path and derives the facts and rollups it settles on, whatever the order, chunking, redelivery and concurrency, %p',
    async databaseId => {
      const normalDb = await databases.init(databaseId);
      const backfillDb = await databases.init(databaseId);
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async s => {
          // The normal path: POST /events batches, in the history's order.
          const normal = await createServices(normalDb, 1);
          for (let i = 0; i < s.events.length; i += s.batch) {
            await normal.ingest.ingest(
              normalizeGenericRequest(
                SOURCE,
                { events: s.events.slice(i, i + s.batch) },
                config,
              ),
              NOW,
            );
          }
          // The figures of the normal path as it leaves them: per batch it derives what an event
          // can affect (a deployment weeks later shipping the commit an earlier incident names
          // too), so no reconciliation or rebuild is needed to agree with a backfill.
          const expected = await tables(normalDb);

          // The backfill path: the events shuffled and partly redelivered, split between two
          // backfills (two replicas) running at once with live batches of the normal path.
          const { ingest, backfill, store } = await createServices(
            backfillDb,
            s.chunk,
          );
          const all = [...s.order, ...s.redelivered];
          const liveCount = Math.floor(all.length * s.live);
          const live = all.slice(0, liveCount);
          const bulk = all.slice(liveCount);
          const cut = Math.floor(bulk.length * s.split);
          const results = await Promise.all([
            backfill
              .run(SOURCE, linesOf(bulk.slice(0, cut)), NOW)
              .catch(e => e),
            backfill.run(SOURCE, linesOf(bulk.slice(cut)), NOW).catch(e => e),
            (async () => {
              for (const e of live) {
                await ingest.ingest(
                  normalizeGenericRequest(SOURCE, e, config),
                  NOW,
                );
              }
            })(),
          ]);
          // An empty stream is refused and stores nothing.
          expect(
            results
              .slice(0, 2)
              .map(r =>
                r instanceof Error
                  ? 'refused'
                  : { status: r.status, lines: r.lines, accepted: r.accepted },
              ),
          ).toEqual(
            [bulk.slice(0, cut), bulk.slice(cut)].map(part =>
              part.length === 0
                ? 'refused'
                : {
                    status: 'completed',
                    lines: part.length,
                    accepted: part.length,
                  },
            ),
          );
          expect(await tables(backfillDb)).toEqual(expected);
          expect(await backfillDb('dora_backfill_services')).toEqual([]);

          // And both equal a rebuild.
          await store.rebuildAll();
          expect(await tables(backfillDb)).toEqual(expected);
          checked += 1;
        }),
        {
          numRuns: databaseId === 'SQLITE_3' ? 30 : 20,
          seed: 1616,
          timeout: 120_000,
        },
      );
      expect(checked).toBeGreaterThan(0);
    },
  );
});
