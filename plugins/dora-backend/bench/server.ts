/* eslint-disable no-console */
/**
 * The DORA backend's router over an already loaded database, in its own process so its memory can
 * be measured apart from the data generator. Started by run.ts; prints `listening <port>`.
 *
 * Env: BENCH_DB_CLIENT (better-sqlite3 | pg), BENCH_DB_CONNECTION (file name or URL),
 * BENCH_SERVICES, BENCH_TEAMS.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import knexFactory from 'knex';
import { readDoraConfig } from '../src/config';
import { createRouter } from '../src/router';
import { BackfillService } from '../src/services/BackfillService';
import { CatalogServiceMap } from '../src/services/CatalogServiceMap';
import { DoraStore } from '../src/services/DoraStore';
import { IngestService } from '../src/services/IngestService';
import { MetricsService } from '../src/services/MetricsService';
import { benchEntities } from './entities';

async function main() {
  const client = process.env.BENCH_DB_CLIENT!;
  const connection = process.env.BENCH_DB_CONNECTION!;
  const knex = knexFactory({
    client,
    connection: client === 'pg' ? connection : { filename: connection },
    useNullAsDefault: true,
  });
  const quiet = () => {};
  const logger: any = {
    debug: quiet,
    info: quiet,
    warn: console.warn,
    error: console.error,
    child: () => logger,
  };
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
    skipMigrations: true,
  });
  const serviceMap = CatalogServiceMap.create({
    catalog: {
      getEntities: async () => ({ items: benchEntities() }),
    } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    logger,
  });
  const config = readDoraConfig(
    mockServices.rootConfig({
      data: {
        dora: { sources: { bench: { token: 'bench-token-0123456789' } } },
      },
    }),
  );
  const ingest = IngestService.create({ store, serviceMap, logger });
  const router = await createRouter({
    config,
    ingest,
    backfill: BackfillService.create({
      store,
      ingest,
      normalize: config,
      logger,
    }),
    metrics: MetricsService.create({
      store,
      serviceMap,
      bandYear: config.bandYear,
      incidentFallbackHours: config.incidentFallbackHours,
    }),
    store,
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.user(),
    }),
    permissions: mockServices.permissions(),
    logger,
  });
  const app = express();
  app.use('/api/dora', router);
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        { InputError: 400, NotFoundError: 404, NotAllowedError: 403 }[
          error.name
        ] ?? 500;
      res
        .status(status)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(
      `listening ${typeof address === 'object' && address ? address.port : 0}`,
    );
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
