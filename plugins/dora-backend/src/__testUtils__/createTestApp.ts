import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { readDoraConfig } from '../config';
import { createRouter } from '../router';
import { CatalogServiceMap } from '../services/CatalogServiceMap';
import { DoraStore } from '../services/DoraStore';
import { BackfillService } from '../services/BackfillService';
import { IngestService } from '../services/IngestService';
import { MetricsService } from '../services/MetricsService';
import { testDoraConfig, testEntities } from '../testUtils';

/**
 * The DORA router on a fresh SQLite store with the real ingest and metrics services, for tests
 * that need to look at the store behind the HTTP answers.
 */
export async function createTestApp(
  databases: TestDatabases,
  options: {
    dora?: object;
    entities?: Entity[];
    backfillChunkLines?: number;
  } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  const logger = mockServices.logger.mock();
  const serviceMap = CatalogServiceMap.create({
    catalog: catalogServiceMock({
      entities: options.entities ?? testEntities,
    }),
    auth: mockServices.auth(),
    logger,
  });
  const config = readDoraConfig(
    new ConfigReader({ dora: options.dora ?? testDoraConfig }),
  );
  const ingest = IngestService.create({ store, serviceMap, logger });
  const backfill = BackfillService.create({
    store,
    ingest,
    normalize: config,
    logger,
    chunkLines: options.backfillChunkLines,
  });
  const router = await createRouter({
    config,
    store,
    ingest,
    backfill,
    metrics: MetricsService.create({
      store,
      serviceMap,
      bandYear: '2024',
      incidentFallbackHours: 24,
    }),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    logger,
  });
  const app = express().use(router).use(mockErrorHandler());

  /** Every row of every DORA table (events, derived facts, rollups), in a stable order. */
  const snapshot = async (): Promise<string> => {
    const tables = (
      await knex('sqlite_master')
        .where('type', 'table')
        .orderBy('name')
        .pluck('name')
    ).filter((name: string) => name.startsWith('dora_'));
    const dump: Record<string, string[]> = {};
    for (const table of tables) {
      dump[table] = (await knex(table).select())
        .map(row => JSON.stringify(row))
        .sort();
    }
    return JSON.stringify(dump);
  };
  return { app, store, snapshot, knex, backfill };
}
