import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { Knex } from 'knex';
import { DAY_MS, HOUR_MS } from '../domain';
import { demoResolver } from './DemoSeeder';
import { factFromRow } from '../database/factRows';
import { emptyTables } from '../__testUtils__/tables';
import { DoraStore } from './DoraStore';
import { NormalizedEvent } from '../domain/events';

jest.setTimeout(600_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const NOW = Date.parse('2025-06-01T00:00:00Z');
const START = NOW - 130 * DAY_MS;
const resolve = demoResolver(() => null);
const origin = {
  source: 'api:test',
  serviceKeyType: 'entity' as const,
  serviceKey: 'component:default/payments-api',
};

/**
 * Histories over 120 days in three bursts separated by gaps longer than 30 days (the old lookback),
 * in two regional streams, with commit-less deployments, releases rolled to both regions,
 * hotfixes, incidents (linked, by SHA, unlinked, open, naming a commit shipped more than 30 days
 * after they opened), commits reported late, and push ranges chaining some commits to the one
 * before (ancestry).
 */
const history = fc
  .array(
    fc.record({
      burst: fc.constantFrom(0, 45, 90),
      day: fc.integer({ min: 0, max: 8 }),
      hour: fc.integer({ min: 0, max: 23 }),
      kind: fc.constantFrom('regular', 'regular', 'regular', 'hotfix'),
      listed: fc.boolean(),
      bothRegions: fc.boolean(),
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
      commitAgeDays: fc.integer({ min: 0, max: 80 }),
      pushed: fc.boolean(),
    }),
    { minLength: 4, maxLength: 14 },
  )
  .map(items => {
    const events: NormalizedEvent[] = [];
    const commits: Array<{ sha: string; at: number }> = [];
    items.forEach((item, i) => {
      const at =
        START + (item.burst + item.day) * DAY_MS + item.hour * HOUR_MS + i;
      const sha = `sha${i}`;
      const committedAt = at - item.commitAgeDays * DAY_MS - HOUR_MS;
      // Pushed onto the newest earlier commit (a chain of pushes, with gaps where not pushed).
      const before = commits
        .filter(c => c.at <= committedAt)
        .sort((a, b) => b.at - a.at)[0];
      commits.push({ sha, at: committedAt });
      events.push({
        ...origin,
        type: 'change',
        externalId: sha,
        sha,
        committedAt,
        ...(item.pushed
          ? {
              pushed: {
                before: before?.sha ?? '0'.repeat(40),
                head: sha,
                index: 0,
              },
            }
          : {}),
      });
      for (const stream of item.bothRegions ? ['eu', 'us'] : ['eu']) {
        const finishedAt = at + (stream === 'us' ? HOUR_MS : 0);
        events.push({
          ...origin,
          type: 'deployment',
          externalId: `${stream}-${i}`,
          environment: 'production',
          stream,
          production: true,
          status: 'success',
          kind: item.kind as 'regular' | 'hotfix',
          commitSha: sha,
          commits: item.listed ? [sha] : undefined,
          startedAt: finishedAt - 60_000,
          finishedAt,
        });
      }
      if (item.incident !== 'none') {
        // 'shaWeeksBefore': opened more than the old 30-day lookback before the deployment that
        // ships the commit it names (attributed to it all the same).
        const openedAt =
          item.incident === 'shaWeeksBefore'
            ? at - item.weeksBeforeDays * DAY_MS
            : at + 2 * HOUR_MS;
        events.push({
          ...origin,
          type: 'incident',
          externalId: `inc-${i}`,
          openedAt,
          resolvedAt:
            item.resolvedAfterHours === null
              ? undefined
              : Math.min(
                  openedAt + item.resolvedAfterHours * HOUR_MS,
                  NOW - HOUR_MS,
                ),
          ...(item.incident === 'id' ? { causeDeploymentId: `eu-${i}` } : {}),
          ...(item.incident === 'sha' || item.incident === 'shaWeeksBefore'
            ? { causeCommitSha: sha }
            : {}),
        });
      }
    });
    return events;
  });

async function facts(knex: Knex) {
  return (await knex('dora_deployment_facts'))
    .map(factFromRow)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('derived facts over long histories with gaps (issue 16, 11)', () => {
  it.each(databases.eachSupportedId())(
    'equal a full rebuild whatever the order, batching and redelivery, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      await fc.assert(
        fc.asyncProperty(
          history.chain(events =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray(events, {
                minLength: events.length,
                maxLength: events.length,
              }),
              fc.integer({ min: 1, max: 5 }),
              fc.subarray(events),
            ),
          ),
          async ([, order, size, redelivered]) => {
            await emptyTables(knex);
            const deliveries = [...order, ...redelivered];
            for (let i = 0; i < deliveries.length; i += size) {
              await store.ingest(deliveries.slice(i, i + size), resolve, NOW);
            }
            const incremental = await facts(knex);
            await store.rebuildAll();
            expect(incremental).toEqual(await facts(knex));
          },
        ),
        { numRuns: databaseId === 'SQLITE_3' ? 25 : 10, seed: 16 },
      );
    },
  );
});
