import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { runOnce } from './runOnce';

jest.setTimeout(60_000);

describe('runOnce', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_18'],
  });

  async function markerDatabase(
    databaseId: Parameters<typeof databases.init>[0],
  ) {
    const db = await databases.init(databaseId);
    await db.schema.createTable('test_markers', table => {
      table.string('name').primary();
      table.bigInteger('created_at').notNullable();
    });
    await db.schema.createTable('test_work', table => {
      table.string('by');
    });
    return db;
  }

  const names = async (db: Knex) =>
    (await db('test_markers').select('name')).map(r => r.name);

  it.each(databases.eachSupportedId())(
    'runs the job for exactly one of several callers, %p',
    async databaseId => {
      const db = await markerDatabase(databaseId);
      const results = await Promise.all(
        ['a', 'b', 'c'].map(by =>
          runOnce(db, 'test_markers', 'seed', async tx => {
            await tx('test_work').insert({ by });
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await db('test_work').select('by')).toHaveLength(1);
      expect(await names(db)).toEqual(['seed']);
      expect(await runOnce(db, 'test_markers', 'other', async () => {})).toBe(
        true,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'releases the marker when the job fails, %p',
    async databaseId => {
      const db = await markerDatabase(databaseId);
      await expect(
        runOnce(db, 'test_markers', 'seed', async tx => {
          await tx('test_work').insert({ by: 'failed' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await names(db)).toEqual([]);
      expect(await db('test_work').select('by')).toEqual([]);
      expect(
        await runOnce(db, 'test_markers', 'seed', async tx => {
          await tx('test_work').insert({ by: 'retry' });
        }),
      ).toBe(true);
      expect(await db('test_work').select('by')).toEqual([{ by: 'retry' }]);
    },
  );
});
