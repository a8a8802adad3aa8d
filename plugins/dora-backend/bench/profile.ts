/* eslint-disable no-console */
// Splits an organisation query (90 days) into its phases, on a SQLite file left by
// `BENCH_KEEP_SQLITE=1 BENCH_DATABASES=sqlite yarn bench`:
//   node -r @backstage/cli/config/nodeTransform.cjs bench/profile.ts <file>
import knexFactory from 'knex';
import { DAY_MS } from '../src/domain';
import { CatalogServiceMap } from '../src/services/CatalogServiceMap';
import { DoraStore } from '../src/services/DoraStore';
import { MetricsService } from '../src/services/MetricsService';
import { benchEntities } from './entities';

async function main() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: process.argv[2] },
    useNullAsDefault: true,
  });
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
    skipMigrations: true,
  });
  const serviceMap = CatalogServiceMap.create({
    catalog: { getEntities: async () => ({ items: benchEntities() }) } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    logger: { debug() {} } as any,
  });
  const metrics = MetricsService.create({
    store,
    serviceMap,
    bandYear: '2024',
    incidentFallbackHours: 24,
  });
  const now = Date.now();
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const rollups = await store.loadRollups({
      fromDay: Math.ceil((now - 90 * DAY_MS) / DAY_MS),
      toDay: Math.floor(now / DAY_MS),
    });
    const load = performance.now() - t;
    t = performance.now();
    await store.servicesWithIncidents();
    const incidents = performance.now() - t;
    t = performance.now();
    const response = await metrics.getMetrics(
      { scope: 'organisation', window: '90' },
      now,
    );
    const total = performance.now() - t;
    t = performance.now();
    const json = JSON.stringify(response);
    const serialise = performance.now() - t;
    console.log(
      JSON.stringify({
        rollups: rollups.length,
        loadRollupsMs: Math.round(load),
        servicesWithIncidentsMs: Math.round(incidents),
        getMetricsMs: Math.round(total),
        serialiseMs: Math.round(serialise),
        responseKb: Math.round(json.length / 1024),
      }),
    );
  }
  await knex.destroy();
}

main();
