import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readAdoptionConfig } from '../config';
import { AdoptionStore } from '../services/AdoptionStore';

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

export async function createTestStore(databases: TestDatabases, id: any) {
  const knex = await databases.init(id);
  const store = await AdoptionStore.create({
    database: { getClient: async () => knex },
  });
  return { knex, store };
}
