import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { generateDemoHistory } from '../demo/generateDemoHistory';
import { demoResolver, seedDemoData } from './DemoSeeder';
import { DoraStore } from './DoraStore';
import { INGESTED_TABLES } from '../__testUtils__/tables';

const NOW = Date.parse('2026-06-01T00:00:00Z');

/** Stored events and everything derived from them. */
const SEEDED_TABLES = INGESTED_TABLES;

/**
 * Every seeded row, sorted, with row ids (numbered in insert order, which differs between one batch
 * and steps) replaced by the deployment's own key.
 */
async function contents(knex: Knex) {
  const deployments = new Map<string, string>();
  for (const d of await knex('dora_deployments').select(
    'id',
    'source',
    'external_id',
  )) {
    deployments.set(String(d.id), `${d.source}/${d.external_id}`);
  }
  const result: Record<string, string[]> = {};
  for (const table of SEEDED_TABLES) {
    const rows = await knex(table).select();
    result[table] = rows
      .map(({ id: _id, deployment_id, ...row }) =>
        JSON.stringify({
          ...row,
          deployment:
            table === 'dora_deployment_shas'
              ? deployments.get(String(deployment_id))
              : deployment_id,
        }),
      )
      .sort();
  }
  return result;
}

describe('seedDemoData', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_18'],
    disableDocker: true,
  });
  const resolve = demoResolver(() => null);

  it.each(databases.eachSupportedId())(
    'stores and derives in steps exactly what one batch of the demo history gives, %p',
    async databaseId => {
      const [inOneBatch, inSteps] = await Promise.all([
        databases.init(databaseId),
        databases.init(databaseId),
      ]);
      const whole = await DoraStore.create({
        database: { getClient: async () => inOneBatch },
      });
      await whole.ingest(generateDemoHistory({ now: NOW }), resolve, NOW);

      const stepped = await DoraStore.create({
        database: { getClient: async () => inSteps },
      });
      expect(
        await seedDemoData({
          store: stepped,
          resolve,
          logger: mockServices.logger.mock(),
          now: NOW,
        }),
      ).toBe(true);

      const expected = await contents(inOneBatch);
      expect(expected.dora_deployment_facts.length).toBeGreaterThan(500);
      expect(await contents(inSteps)).toEqual(expected);
    },
    120_000,
  );

  it.each(databases.eachSupportedId())(
    'lets the event loop run other work while it seeds, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      let turns = 0;
      let seeding = true;
      const countTurns = () => {
        if (!seeding) return;
        turns += 1;
        setImmediate(countTurns);
      };
      setImmediate(countTurns);
      const seed = seedDemoData({
        store,
        resolve,
        logger: mockServices.logger.mock(),
        now: NOW,
      });
      await seed;
      seeding = false;
      // Requests are served in these turns; a seed that never yields gives them none.
      expect(turns).toBeGreaterThan(5);
    },
    120_000,
  );
});
