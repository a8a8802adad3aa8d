/* eslint-disable no-console */
/**
 * DORA backend benchmark at the volume (default 1,000,000 deployments, 5 commits each,
 * one incident per 20 deployments, 200 services, 20 teams, 90 days) on SQLite (a file) and, when
 * BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING is set (scripts/with-test-postgres.mjs),
 * PostgreSQL. Per database:
 *
 * 1. bulk load: the generator writes raw event rows directly in big batches, then the store derives
 *    facts and rollups from them the way the upgrade backfill does (`DoraStore.rebuildAll`);
 * 2. metrics latency over HTTP: the plugin's router runs in a child process (bench/server.ts);
 *    organisation, one team and one service over 90 days, p50/p95, and the child's resident
 *    memory growth from idle to the peak during the queries;
 * 3. ingest throughput through `DoraStore.ingest` into the loaded database: single events (one
 *    transaction each, as webhooks arrive) and batches of 1,000 (the API's maximum).
 *
 *   ./portal bench dora                       # from the repository root
 *   BENCH_DEPLOYMENTS=100000 ./portal bench dora
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { DAY_MS, HOUR_MS } from '../src/domain';
import { DoraStore } from '../src/services/DoraStore';
import { NormalizedEvent } from '../src/domain/events';
import { BENCH_SERVICES, BENCH_TEAMS, serviceRef, streamsOf } from './entities';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1_000_000);
const COMMITS_PER_DEPLOYMENT = 5;
const INCIDENT_EVERY = 20;
const QUERIES = Number(process.env.BENCH_QUERIES ?? 30);
/** New deployments (each with 5 commits: 6 events) ingested one event at a time, and in batches. */
const INGEST_SINGLE_DEPLOYMENTS = Number(
  process.env.BENCH_INGEST_SINGLE ?? 100,
);
const INGEST_BATCH_DEPLOYMENTS = Number(process.env.BENCH_INGEST_BATCH ?? 1700);
const NOW = Date.now();
const SPAN = 90 * DAY_MS;

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha = (d: number, c: number) =>
  `${d.toString(16).padStart(8, '0')}${c}`.padEnd(40, 'a');

/** Raw rows of the synthetic history, in batches, oldest first. */
function* rawRows(batchDeployments: number) {
  const rand = random(42);
  for (let start = 0; start < DEPLOYMENTS; start += batchDeployments) {
    const deployments: Record<string, unknown>[] = [];
    const changes: Record<string, unknown>[] = [];
    const incidents: Record<string, unknown>[] = [];
    for (
      let d = start;
      d < Math.min(DEPLOYMENTS, start + batchDeployments);
      d++
    ) {
      const i = d % BENCH_SERVICES;
      const ref = serviceRef(i);
      const streams = streamsOf(i);
      const base = {
        source: 'bench',
        service_key_type: 'entity',
        service_key: ref,
        entity_ref: ref,
        received_at: NOW,
      };
      const finishedAt = Math.round(NOW - SPAN + (d / DEPLOYMENTS) * SPAN);
      const commits: string[] = [];
      for (let c = 0; c < COMMITS_PER_DEPLOYMENT; c++) {
        commits.push(sha(d, c));
        changes.push({
          ...base,
          external_id: `${ref}@${sha(d, c)}`,
          sha: sha(d, c),
          committed_at: Math.round(finishedAt - rand() * 48 * HOUR_MS),
        });
      }
      deployments.push({
        ...base,
        external_id: `dep-${d}`,
        environment: 'production',
        stream: streams[Math.floor(d / BENCH_SERVICES) % streams.length],
        production: true,
        status: 'success',
        status_rank: 4,
        kind: d % 50 === 7 ? 'hotfix' : 'regular',
        commit_sha: commits[commits.length - 1],
        commits: JSON.stringify(commits),
        started_at: finishedAt - 300_000,
        finished_at: finishedAt,
      });
      if (d % INCIDENT_EVERY === 0) {
        incidents.push({
          ...base,
          external_id: `inc-${d}`,
          title: 'bench incident',
          severity: 'high',
          opened_at: finishedAt + 600_000,
          resolved_at: finishedAt + Math.round((0.5 + rand() * 6) * HOUR_MS),
          cause_deployment_id:
            d % (2 * INCIDENT_EVERY) === 0 ? `dep-${d}` : null,
        });
      }
    }
    yield { deployments, changes, incidents };
  }
}

async function insertRows(
  knex: Knex,
  table: string,
  rows: Record<string, unknown>[],
  maxParams: number,
) {
  if (rows.length === 0) return;
  // SQLite: knex writes multi-row inserts as a compound SELECT of at most 500 terms.
  const size =
    maxParams === 0 ? 500 : Math.floor(maxParams / Object.keys(rows[0]).length);
  for (let i = 0; i < rows.length; i += size) {
    await knex(table).insert(rows.slice(i, i + size));
  }
}

/** Events for the ingest measurement: new deployments after the loaded history. */
function* newEvents(count: number, offset: number): Generator<NormalizedEvent> {
  for (let n = 0; n < count; n++) {
    // Numbered past the history and by run: a reused database gets new rows, not redeliveries.
    const d =
      DEPLOYMENTS + (Math.floor(NOW / 1000) % 100_000) * 100_000 + offset + n;
    const i = d % BENCH_SERVICES;
    const origin = {
      source: 'bench-ingest',
      serviceKeyType: 'entity' as const,
      serviceKey: serviceRef(i),
    };
    const finishedAt = NOW - 2 * HOUR_MS + (n / count) * HOUR_MS;
    const commits: string[] = [];
    for (let c = 0; c < COMMITS_PER_DEPLOYMENT; c++) {
      commits.push(sha(d, c));
      yield {
        ...origin,
        type: 'change',
        externalId: `${serviceRef(i)}@${sha(d, c)}`,
        sha: sha(d, c),
        committedAt: finishedAt - (c + 1) * HOUR_MS,
      };
    }
    yield {
      ...origin,
      type: 'deployment',
      externalId: `dep-${d}`,
      environment: 'production',
      stream: streamsOf(i)[0],
      production: true,
      status: 'success',
      kind: 'regular',
      commitSha: commits[commits.length - 1],
      commits,
      startedAt: finishedAt - 300_000,
      finishedAt,
    };
  }
}

/**
 * BENCH_PROFILE=1: counts and times the batch ingest's statements by query family (the SQL with
 * its bound values and IN lists collapsed), per batch, slowest families first.
 */
function profileQueries(knex: Knex) {
  const families = new Map<string, { count: number; ms: number }>();
  const startedAt = new Map<string, { sql: string; at: number }>();
  const family = (sql: string) =>
    sql
      .replace(/\(\s*(\?|\$\d+)(\s*,\s*(\?|\$\d+))*\s*\)/g, '(…)')
      .replace(/\$\d+/g, '?')
      .replace(/(\(…\)\s*,\s*)+\(…\)/g, '(…)…')
      .replace(/\s+/g, ' ')
      .slice(0, 220);
  knex.on('query', (q: any) => {
    startedAt.set(q.__knexQueryUid, {
      sql: family(q.sql),
      at: performance.now(),
    });
  });
  knex.on('query-response', (_r: unknown, q: any) => {
    const s = startedAt.get(q.__knexQueryUid);
    if (!s) return;
    startedAt.delete(q.__knexQueryUid);
    const f = families.get(s.sql) ?? { count: 0, ms: 0 };
    f.count++;
    f.ms += performance.now() - s.at;
    families.set(s.sql, f);
  });
  return (batches: number) => {
    const rows = [...families.entries()].sort((a, b) => b[1].ms - a[1].ms);
    return {
      statementsPerBatch: Math.round(
        rows.reduce((n, [, f]) => n + f.count, 0) / batches,
      ),
      sqlMsPerBatch: Math.round(
        rows.reduce((n, [, f]) => n + f.ms, 0) / batches,
      ),
      families: rows.slice(0, 25).map(([sql, f]) => ({
        perBatch: Math.round((f.count / batches) * 10) / 10,
        msPerBatch: Math.round(f.ms / batches),
        sql,
      })),
    };
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};

async function startServer(client: string, connection: string) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@backstage/cli/config/nodeTransform.cjs',
      join(__dirname, 'server.ts'),
    ],
    {
      env: {
        ...process.env,
        BENCH_DB_CLIENT: client,
        BENCH_DB_CONNECTION: connection,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', code => reject(new Error(`server exited ${code}`)));
  });
  return { child, port };
}

async function measureHttp(client: string, connection: string) {
  const { child, port } = await startServer(client, connection);
  try {
    const get = async (query: string) => {
      const started = performance.now();
      const res = await fetch(
        `http://127.0.0.1:${port}/api/dora/metrics?${query}`,
      );
      const body = await res.json();
      if (res.status !== 200) {
        throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
      }
      return { ms: performance.now() - started, body };
    };
    const scopes: Record<string, (q: number) => string> = {
      organisation: () => 'scope=organisation&window=90',
      team: q => `scope=team&ref=team-${q % BENCH_TEAMS}&window=90`,
      service: q =>
        `scope=service&ref=${encodeURIComponent(
          serviceRef((q * 7) % BENCH_SERVICES),
        )}&window=90`,
    };
    // Let the child settle after start, then take its idle resident memory.
    await get(scopes.service(0));
    await new Promise(r => setTimeout(r, 1000));
    const idleRss = rssMb(child.pid!);
    let peakRss = idleRss;
    const poll = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb(child.pid!));
    }, 20);
    const timings: Record<string, number[]> = {};
    const sample: Record<string, unknown> = {};
    for (const [scope, query] of Object.entries(scopes)) {
      await get(query(0)); // warm-up
      timings[scope] = [];
      for (let q = 0; q < QUERIES; q++) {
        const { ms, body } = await get(query(q));
        timings[scope].push(ms);
        sample[scope] = {
          deployments: body.metrics.deploymentFrequency.numerator.value,
          leadTimeHours: body.metrics.changeLeadTime.value,
          leadTimeApproximate: Boolean(
            body.metrics.changeLeadTime.details.approximate,
          ),
          changeFailureRate: body.metrics.changeFailureRate.value,
        };
      }
    }
    clearInterval(poll);
    peakRss = Math.max(peakRss, rssMb(child.pid!));
    const figures: Record<string, number> = {};
    for (const [scope, values] of Object.entries(timings)) {
      figures[`${scope}P50Ms`] = Math.round(percentile(values, 50));
      figures[`${scope}P95Ms`] = Math.round(percentile(values, 95));
    }
    return {
      ...figures,
      serverIdleRssMb: Math.round(idleRss),
      serverExtraRssMb: Math.round(peakRss - idleRss),
      sample,
    };
  } finally {
    child.kill();
  }
}

/** Writes the synthetic history's raw rows and derives its facts as the upgrade backfill does. */
async function loadHistory(knex: Knex, client: string, store: DoraStore) {
  const maxParams = client === 'pg' ? 60000 : 0;
  let started = performance.now();
  for (const batch of rawRows(10_000)) {
    await knex.transaction(async tx => {
      await insertRows(tx, 'dora_deployments', batch.deployments, maxParams);
      await insertRows(tx, 'dora_changes', batch.changes, maxParams);
      await insertRows(tx, 'dora_incidents', batch.incidents, maxParams);
    });
  }
  // The SHA index ingest uses (migration 20261122020000 fills it for existing rows the same way).
  await knex.raw(
    `insert into dora_deployment_shas (deployment_id, sha)
     select d.id, j.value from dora_deployments d, ${
       client === 'pg'
         ? 'jsonb_array_elements_text(d.commits::jsonb) as j(value)'
         : 'json_each(d.commits) as j'
     } where d.commits is not null
     union
     select d.id, d.commit_sha from dora_deployments d where d.commit_sha is not null`,
  );
  if (client === 'pg') {
    await knex.raw('analyze');
  }
  const loadSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await store.rebuildAll();
  if (client === 'pg') {
    await knex.raw('analyze');
  }
  return {
    deployments: DEPLOYMENTS,
    commits: DEPLOYMENTS * COMMITS_PER_DEPLOYMENT,
    incidents: Math.ceil(DEPLOYMENTS / INCIDENT_EVERY),
    services: BENCH_SERVICES,
    teams: BENCH_TEAMS,
    loadRawSeconds: Math.round(loadSeconds),
    deriveSeconds: Math.round((performance.now() - started) / 1000),
  };
}

async function bench(
  name: string,
  knex: Knex,
  client: string,
  connection: string,
  reuse: boolean,
) {
  const print = (figures: Record<string, unknown>) =>
    console.log(JSON.stringify({ database: name, ...figures }));

  let started = performance.now();
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  if (reuse) {
    print({
      reusedDatabase: true,
      migrateSeconds: Math.round((performance.now() - started) / 1000),
    });
  } else {
    print(await loadHistory(knex, client, store));
  }

  if (!process.env.BENCH_SKIP_HTTP) {
    print(await measureHttp(client, connection));
  }

  const resolve = (_type: string, key: string) => key;
  const singles = Array.from(newEvents(INGEST_SINGLE_DEPLOYMENTS, 0));
  started = performance.now();
  for (const e of singles) {
    await store.ingest([e], resolve);
  }
  const singleRate = singles.length / ((performance.now() - started) / 1000);
  const batchEvents = Array.from(
    newEvents(INGEST_BATCH_DEPLOYMENTS, INGEST_SINGLE_DEPLOYMENTS),
  );
  const profile = process.env.BENCH_PROFILE ? profileQueries(knex) : undefined;
  started = performance.now();
  for (let i = 0; i < batchEvents.length; i += 1000) {
    await store.ingest(batchEvents.slice(i, i + 1000), resolve);
  }
  const batchRate = batchEvents.length / ((performance.now() - started) / 1000);
  if (profile) {
    print({ batchQueryProfile: profile(Math.ceil(batchEvents.length / 1000)) });
  }
  print({
    ingestSingleEvents: singles.length,
    ingestSingleEventsPerSec: Math.round(singleRate),
    ingestBatchEvents: batchEvents.length,
    ingestBatchEventsPerSec: Math.round(batchRate),
  });
}

async function main() {
  const only = process.env.BENCH_DATABASES?.split(',');
  if (!only || only.includes('sqlite')) {
    // BENCH_SQLITE_FILE: reuse a database a previous run loaded (kept with BENCH_KEEP_SQLITE).
    const reuse = process.env.BENCH_SQLITE_FILE;
    const dir = reuse ? undefined : mkdtempSync(join(tmpdir(), 'dora-bench-'));
    const file = reuse ?? join(dir!, 'dora.sqlite');
    const sqlite = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
    });
    try {
      await bench('sqlite', sqlite, 'better-sqlite3', file, Boolean(reuse));
    } finally {
      await sqlite.destroy();
      if (dir && process.env.BENCH_KEEP_SQLITE) {
        console.error(`SQLite database kept: ${file}`);
      } else if (dir) {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
  if (pg && (!only || only.includes('postgresql'))) {
    // BENCH_PG_TEMPLATE=<name>: load the history once into that database and run each time on a
    // copy of it (PostgreSQL copies a template database file by file, in seconds).
    const template = process.env.BENCH_PG_TEMPLATE;
    const admin = knexFactory({ client: 'pg', connection: pg });
    if (template) {
      const exists = await admin('pg_database')
        .where('datname', template)
        .first();
      if (!exists) {
        await admin.raw('create database ??', [template]);
        const db = knexFactory({
          client: 'pg',
          connection: `${pg}/${template}`,
        });
        try {
          const store = await DoraStore.create({
            database: { getClient: async () => db },
          });
          console.log(
            JSON.stringify({
              database: 'postgresql',
              template,
              ...(await loadHistory(db, 'pg', store)),
            }),
          );
        } finally {
          await db.destroy();
        }
      }
    }
    await admin.raw('drop database if exists dora_bench');
    await admin.raw(
      template
        ? 'create database dora_bench template ??'
        : 'create database dora_bench',
      template ? [template] : [],
    );
    await admin.destroy();
    const url = `${pg}/dora_bench`;
    const db = knexFactory({ client: 'pg', connection: url });
    try {
      await bench('postgresql', db, 'pg', url, Boolean(template));
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
