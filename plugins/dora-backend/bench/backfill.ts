/* eslint-disable no-console */
/**
 * Bulk backfill benchmark: a year of a mid-size organisation's history (BENCH_SERVICES, default
 * 200 services of 20 teams as in run.ts; each deploys twice per working day, every fourth to two
 * regions, four commits per deployment listed, one incident per 25 deployments, a rollback per
 * 100) sent as NDJSON through `BackfillService` into an empty database, SQLite (a file) and, when run through scripts/with-test-postgres.mjs,
 * PostgreSQL. The lines are generated before the clock starts; what is timed is what the request
 * costs the backend: line splitting, JSON parsing and validation, the chunked upserts and deriving
 * every service once at the end. Prints one JSON line per database.
 *
 *   ./portal bench dora-backfill                          # from the repository root
 *   BENCH_BACKFILL_DAYS=90 BENCH_SERVICES=60 ./portal bench dora-backfill   # smaller
 *
 * With fewer than 365 days it also prints the year's time extrapolated from the measured rate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import knexFactory, { Knex } from 'knex';
import { DAY_MS, HOUR_MS } from '../src/domain';
import { ndjsonLines } from '../src/ingest/ndjson';
import { BACKFILL_LIMITS } from '../src/router';
import { BackfillService } from '../src/services/BackfillService';
import { CatalogServiceMap } from '../src/services/CatalogServiceMap';
import { DoraStore } from '../src/services/DoraStore';
import { IngestService } from '../src/services/IngestService';
import {
  BENCH_SERVICES,
  benchEntities,
  serviceName,
  streamsOf,
} from './entities';

const DAYS = Number(process.env.BENCH_BACKFILL_DAYS ?? 365);
const DEPLOYS_PER_WORKDAY = 2;
const COMMITS_PER_DEPLOYMENT = 4;
const INCIDENT_EVERY = 25;
const ROLLBACK_EVERY = 100;
const NOW = Date.now();

const sha = (d: number, c: number) =>
  `${d.toString(16).padStart(8, '0')}${c}`.padEnd(40, 'e');
const iso = (ms: number) => new Date(ms).toISOString();

/** The history as NDJSON lines, oldest day first, and how many events a full year has. */
function historyLines(days: number): Buffer[] {
  const lines: string[] = [];
  const start = Math.floor((NOW - days * DAY_MS) / DAY_MS) * DAY_MS;
  let d = 0;
  for (let day = 0; day < days; day++) {
    const midnight = start + day * DAY_MS;
    const weekday = new Date(midnight).getUTCDay();
    if (weekday === 0 || weekday === 6) {
      continue;
    }
    for (let s = 0; s < BENCH_SERVICES; s++) {
      const service = serviceName(s);
      for (let k = 0; k < DEPLOYS_PER_WORKDAY; k++, d++) {
        const at = midnight + (9 + k * 4) * HOUR_MS + (s % 60) * 60_000;
        const commits: string[] = [];
        for (let c = 0; c < COMMITS_PER_DEPLOYMENT; c++) {
          commits.push(sha(d, c));
          lines.push(
            JSON.stringify({
              type: 'change',
              service,
              sha: sha(d, c),
              committedAt: iso(at - (c + 1) * 3 * HOUR_MS),
              ...(c === 0 ? { pullRequest: { number: d + 1 } } : {}),
            }),
          );
        }
        for (const stream of streamsOf(s)) {
          lines.push(
            JSON.stringify({
              type: 'deployment',
              id: `dep-${d}-${stream}`,
              service,
              environment: 'production',
              stream,
              status: d % 40 === 39 ? 'failure' : 'success',
              kind: d % 50 === 49 ? 'hotfix' : 'regular',
              commitSha: commits[0],
              commits,
              startedAt: iso(at),
              finishedAt: iso(at + 6 * 60_000),
            }),
          );
        }
        if (d % INCIDENT_EVERY === 0) {
          lines.push(
            JSON.stringify({
              type: 'incident',
              id: `inc-${d}`,
              service,
              severity: 'P2',
              openedAt: iso(at + HOUR_MS),
              resolvedAt: iso(at + 2 * HOUR_MS),
              ...(d % 2 === 0
                ? { causeDeploymentId: `dep-${d}-${streamsOf(s)[0]}` }
                : {}),
            }),
          );
        }
        if (d % ROLLBACK_EVERY === 7) {
          lines.push(
            JSON.stringify({
              type: 'rollback',
              id: `rb-${d}`,
              service,
              environment: 'production',
              stream: streamsOf(s)[0],
              rolledBackDeploymentId: `dep-${d}-${streamsOf(s)[0]}`,
              at: iso(at + 30 * 60_000),
            }),
          );
        }
      }
    }
  }
  // 64 KiB request chunks, as a socket would deliver them.
  const body = Buffer.from(`${lines.join('\n')}\n`);
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += 65536) {
    chunks.push(body.subarray(i, i + 65536));
  }
  return chunks;
}

async function bench(name: string, knex: Knex, body: Buffer[]) {
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
  });
  const serviceMap = CatalogServiceMap.create({
    catalog: {
      getEntities: async () => ({ items: benchEntities() }),
    } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    logger,
  });
  const ingest = IngestService.create({ store, serviceMap, logger });
  const backfill = BackfillService.create({
    store,
    ingest,
    normalize: { productionEnvironments: ['production'] },
    logger,
  });
  const started = performance.now();
  const result = await backfill.run(
    'bench',
    ndjsonLines(Readable.from(body), BACKFILL_LIMITS),
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = result.accepted / seconds;
  const [{ count: facts }] = await knex('dora_deployment_facts').count({
    count: '*',
  });
  console.log(
    JSON.stringify({
      database: name,
      days: DAYS,
      services: BENCH_SERVICES,
      events: result.accepted,
      megabytes: Math.round(body.reduce((n, b) => n + b.length, 0) / 1e5) / 10,
      facts: Number(facts),
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSec: Math.round(rate),
      ...(DAYS < 365
        ? {
            yearMinutesExtrapolated:
              Math.round(((result.accepted * 365) / DAYS / rate / 60) * 10) /
              10,
          }
        : { yearMinutes: Math.round((seconds / 60) * 10) / 10 }),
      loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
    }),
  );
}

async function main() {
  const body = historyLines(DAYS);
  const only = process.env.BENCH_DATABASES?.split(',');
  if (!only || only.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'dora-backfill-bench-'));
    const sqlite = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'dora.sqlite') },
      useNullAsDefault: true,
    });
    try {
      await bench('sqlite', sqlite, body);
    } finally {
      await sqlite.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
  if (pg && (!only || only.includes('postgresql'))) {
    const admin = knexFactory({ client: 'pg', connection: pg });
    await admin.raw('drop database if exists dora_backfill_bench');
    await admin.raw('create database dora_backfill_bench');
    await admin.destroy();
    const db = knexFactory({
      client: 'pg',
      connection: `${pg}/dora_backfill_bench`,
    });
    try {
      await bench('postgresql', db, body);
    } finally {
      await db.destroy();
    }
  } else if (!pg) {
    console.log(
      'PostgreSQL skipped: run through scripts/with-test-postgres.mjs',
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
