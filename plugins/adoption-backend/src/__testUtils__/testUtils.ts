import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readAdoptionConfig } from '../config';
import { AdoptionData } from '../services/AdoptionData';

/** The adoption config of the tests. */
export const testAdoptionConfig = {
  analytics: { identity: 'hash', salt: 'test-salt-0123456789' },
  nps: { periodDays: 30, anonymous: true },
  roi: { loadedHourlyCost: 100, platformCostPerYear: 365000 },
};

export const readTestConfig = (over: object = {}) =>
  readAdoptionConfig(
    new ConfigReader({ adoption: { ...testAdoptionConfig, ...over } }),
  );

export async function createTestStore(
  databases: TestDatabases,
  id: TestDatabaseId,
) {
  const knex = await databases.init(id);
  const store = await AdoptionData.create({
    database: { getClient: async () => knex },
  });
  return { knex, store };
}
