/* eslint-disable no-console */
// Splits an organisation query (90 days) into load and compute time, on a SQLite file left by
// `BENCH_KEEP_SQLITE=1 ... bench/run.ts`:
//   node -r @backstage/cli/config/nodeTransform.cjs -e "process.argv[2]='<file>'; require('./bench/profile.ts')"
import knexFactory from 'knex';
import {
  analyse,
  computeMetricSet,
  computeTrend,
  DAY_MS,
  HOUR_MS,
} from '../src/domain';
import { DoraStore } from '../src/services/DoraStore';

async function main() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: process.argv[2] },
    useNullAsDefault: true,
  });
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  const now = Date.now();
  const window = { from: now - 90 * DAY_MS, to: now };
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    const events = await store.loadEvents({
      ...window,
      lookbackMs: 30 * DAY_MS,
    });
    const load = performance.now() - t;
    t = performance.now();
    const a = analyse(events, 24 * HOUR_MS);
    const an = performance.now() - t;
    t = performance.now();
    const opts = { bandYear: '2024' as const, fallbackWindowHours: 24 };
    computeMetricSet(a, window, opts);
    const set = performance.now() - t;
    t = performance.now();
    computeTrend(a, window, opts);
    const trend = performance.now() - t;
    console.log({
      deployments: events.deployments.length,
      changes: events.changes.length,
      load,
      an,
      set,
      trend,
    });
  }
  await knex.destroy();
}
main();
