/* eslint-disable no-console */
/**
 * DORA backend benchmark: ingest throughput (single events and batches) and metrics latency
 * (organisation, 90 days) on SQLite and, when BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING
 * is set (scripts/with-test-postgres.mjs), PostgreSQL. Run from the package folder:
 *
 *   node ../../scripts/with-test-postgres.mjs node -r @backstage/cli/config/nodeTransform.cjs bench/run.ts
 *
 * Sizes: BENCH_DEPLOYMENTS (default 20000); commits are 5x, incidents 1/20 of that, as in the
 * issue's target ratio (1,000,000 / 5,000,000 / 50,000).
 */
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS } from '../src/domain';
import { CatalogServiceMap } from '../src/services/CatalogServiceMap';
import { DoraStore } from '../src/services/DoraStore';
import { MetricsService } from '../src/services/MetricsService';
import { NormalizedEvent } from '../src/services/types';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 20000);
const SERVICES = 200;
const TEAMS = 20;
const QUERIES = 20;
const NOW = Date.now();

const serviceName = (i: number) => `svc-${i}`;
const entities = Array.from({ length: SERVICES }, (_, i) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: serviceName(i), namespace: 'default', annotations: {} },
  spec: { owner: `group:default/team-${i % TEAMS}` },
}));

function* history(): Generator<NormalizedEvent> {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const span = 90 * DAY_MS;
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const service = serviceName(d % SERVICES);
    const origin = {
      source: 'bench',
      serviceKeyType: 'entity' as const,
      serviceKey: `component:default/${service}`,
    };
    const finishedAt = NOW - span + (d / DEPLOYMENTS) * span;
    const commits: string[] = [];
    for (let c = 0; c < 5; c++) {
      const sha = `${d.toString(16).padStart(8, '0')}${c}`.padEnd(40, 'a');
      commits.push(sha);
      yield {
        ...origin,
        type: 'change',
        externalId: `${service}@${sha}`,
        sha,
        committedAt: finishedAt - rand() * 48 * 3600_000,
      };
    }
    yield {
      ...origin,
      type: 'deployment',
      externalId: `dep-${d}`,
      environment: 'production',
      stream: 'production',
      production: true,
      status: 'success',
      kind: 'regular',
      commitSha: commits[4],
      commits,
      startedAt: finishedAt - 300_000,
      finishedAt,
    };
    if (d % 20 === 0) {
      yield {
        ...origin,
        type: 'incident',
        externalId: `inc-${d}`,
        openedAt: finishedAt + 600_000,
        resolvedAt: finishedAt + 3600_000,
        causeDeploymentId: d % 40 === 0 ? `dep-${d}` : undefined,
      };
    }
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};
const mb = () => process.memoryUsage().rss / 1024 / 1024;

async function bench(name: string, knex: Knex) {
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  const resolve = (_type: string, key: string) => key;

  // Single events: one transaction per event, as webhooks arrive.
  const singles = Array.from(history().take(2000));
  let start = performance.now();
  for (const e of singles) {
    await store.ingest([{ ...e, source: 'bench-single' }], resolve, NOW);
  }
  const singleRate = singles.length / ((performance.now() - start) / 1000);

  // Batches of 1000 (the API's maximum), the whole history.
  const rssBefore = mb();
  let total = 0;
  let batch: NormalizedEvent[] = [];
  start = performance.now();
  for (const e of history()) {
    batch.push(e);
    if (batch.length === 1000) {
      await store.ingest(batch, resolve, NOW);
      total += batch.length;
      batch = [];
    }
  }
  await store.ingest(batch, resolve, NOW);
  total += batch.length;
  const batchRate = total / ((performance.now() - start) / 1000);

  const serviceMap = CatalogServiceMap.create({
    catalog: { getEntities: async () => ({ items: entities }) } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    logger: { debug() {} } as any,
  });
  const metrics = MetricsService.create({
    store,
    serviceMap,
    bandYear: '2024',
    incidentFallbackHours: 24,
  });
  const timings: Record<string, number[]> = { organisation: [], team: [] };
  let peak = mb();
  for (let q = 0; q < QUERIES; q++) {
    let t = performance.now();
    await metrics.getMetrics({ scope: 'organisation', window: '90' }, NOW);
    timings.organisation.push(performance.now() - t);
    t = performance.now();
    await metrics.getMetrics(
      { scope: 'team', ref: `team-${q % TEAMS}`, window: '90' },
      NOW,
    );
    timings.team.push(performance.now() - t);
    peak = Math.max(peak, mb());
  }
  console.log(
    JSON.stringify({
      database: name,
      deployments: DEPLOYMENTS,
      commits: DEPLOYMENTS * 5,
      incidents: DEPLOYMENTS / 20,
      ingestSingleEventsPerSec: Math.round(singleRate),
      ingestBatchEventsPerSec: Math.round(batchRate),
      org90dP50Ms: Math.round(percentile(timings.organisation, 50)),
      org90dP95Ms: Math.round(percentile(timings.organisation, 95)),
      team90dP50Ms: Math.round(percentile(timings.team, 50)),
      team90dP95Ms: Math.round(percentile(timings.team, 95)),
      extraRssMb: Math.round(peak - rssBefore),
    }),
  );
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'dora-bench-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'dora.sqlite') },
    useNullAsDefault: true,
  });
  await bench('sqlite', sqlite);
  await sqlite.destroy();
  if (process.env.BENCH_KEEP_SQLITE) {
    console.log(`SQLite database kept in ${dir}`);
  } else {
    rmSync(dir, { recursive: true, force: true });
  }

  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
  if (pg) {
    const admin = knexFactory({ client: 'pg', connection: pg });
    await admin.raw('drop database if exists dora_bench');
    await admin.raw('create database dora_bench');
    await admin.destroy();
    const db = knexFactory({ client: 'pg', connection: `${pg}/dora_bench` });
    await bench('postgresql', db);
    await db.destroy();
  } else {
    console.log(
      'PostgreSQL skipped: run through scripts/with-test-postgres.mjs',
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
