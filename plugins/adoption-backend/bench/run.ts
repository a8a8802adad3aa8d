/* eslint-disable no-console */
/**
 * Adoption API benchmark at the volume: 10,000 catalog components (with provenance and
 * first deploys), 100,000 template runs, 1,000,000 analytics events (plus portal requests,
 * tickets and NPS answers), all within the 90-day window, on SQLite (a file) and, when
 * BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING is set (scripts/with-test-postgres.mjs),
 * PostgreSQL. Per database:
 *
 * 1. load: components, runs, events, tickets and answers through the store's upserts; analytics
 *    through the same roll-up as `POST /analytics`, in batches of 1,000 (the API's maximum);
 * 2. `GET /api/adoption/summary` latency over HTTP (the plugin's router, in this process),
 *    windows of 90 and 30 days: reads served from the stored summary the collector keeps, and
 *    the first read after a real write over HTTP (ticket import, self-service event, analytics
 *    batch, golden-path run event), which recomputes the summary from the daily rollups.
 *
 *   ./portal bench adoption
 *   BENCH_ANALYTICS=100000 ./portal bench adoption
 */
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTestConfig } from '../src/__testUtils__/testUtils';
import { AdoptionEventRecord, DAY_MS, percentile } from '../src/domain';
import { createRouter } from '../src/router';
import { AdoptionData } from '../src/services/AdoptionData';
import { IngestService, rollUpAnalytics } from '../src/services/IngestService';
import { SummaryService } from '../src/services/SummaryService';

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const ANALYTICS = Number(process.env.BENCH_ANALYTICS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 30);
const TEAMS = 50;
const USERS = 2_000;
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

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function load(store: AdoptionData) {
  const rand = random(7);
  const templates = Array.from(
    { length: 8 },
    (_, i) => `template:default/golden-${i}`,
  );
  const team = (i: number) => `group:default/team-${i % TEAMS}`;

  let started = Date.now();
  const components = Array.from({ length: COMPONENTS }, (_, i) => {
    const fromTemplate = rand() < 0.75;
    return {
      entityRef: `component:default/service-${i}`,
      owner: team(i),
      templateRef: fromTemplate ? templates[i % templates.length] : null,
      templateVersion: fromTemplate ? `1.${Math.floor(rand() * 4)}.0` : null,
      createdAt: fromTemplate ? NOW - rand() * SPAN : null,
    };
  });
  await store.replaceCatalogSnapshot(
    components,
    new Map(templates.map(t => [t, '1.3.0'])),
  );
  await store.replaceFirstDeploys(
    new Map(
      components
        .filter(c => c.createdAt !== null && rand() < 0.9)
        .map(c => [c.entityRef, c.createdAt! + rand() * 3 * DAY_MS]),
    ),
  );
  console.log(
    `  components: ${COMPONENTS} in ${seconds(Date.now() - started)}`,
  );

  started = Date.now();
  const batch = 5_000;
  for (let offset = 0; offset < RUNS; offset += batch) {
    const runs = [];
    for (let i = offset; i < Math.min(RUNS, offset + batch); i++) {
      const failed = rand() < 0.08;
      const createdAt = Math.round(NOW - rand() * SPAN);
      const durationMs = Math.round(30_000 + rand() * 400_000);
      runs.push({
        taskId: `task-${i}`,
        templateRef: templates[i % templates.length],
        templateVersion: '1.3.0',
        status: failed ? ('failed' as const) : ('completed' as const),
        createdAt,
        finishedAt: createdAt + durationMs,
        durationMs,
        failedStep: failed
          ? ['publish', 'register', 'create-database'][i % 3]
          : null,
        errorMessage: failed ? `Step failed after ${i % 17} retries` : null,
      });
    }
    await store.upsertRuns(runs);
    // The golden-path actions also report every run as an adoption event (contract 3).
    await store.insertEvents(
      runs.map(r => ({
        id: `${r.taskId}:template-run`,
        type: 'template-run' as const,
        occurredAt: r.finishedAt,
        templateRef: r.templateRef,
        templateVersion: r.templateVersion,
        taskId: r.taskId,
        entityRef: null,
        owner: team(Number(r.taskId.slice(5))),
        kind: 'service',
        requestedAt: r.createdAt,
        readyAt: r.status === 'completed' ? r.finishedAt : null,
        status: r.status,
        durationMs: r.durationMs,
      })),
    );
  }
  console.log(
    `  template runs: ${RUNS} (task history and adoption events) in ${seconds(
      Date.now() - started,
    )}`,
  );

  started = Date.now();
  const events: AdoptionEventRecord[] = [];
  for (let i = 0; i < 20_000; i++) {
    const requestedAt = Math.round(NOW - rand() * SPAN);
    events.push({
      id: `db-${i}`,
      type: 'self-service',
      occurredAt: requestedAt,
      templateRef: null,
      templateVersion: null,
      taskId: null,
      entityRef: null,
      owner: team(i),
      kind: 'database',
      requestedAt,
      readyAt: requestedAt + 400_000,
      status: 'completed',
      durationMs: null,
    });
  }
  await store.insertEvents(events);
  await store.upsertTickets(
    Array.from({ length: 5_000 }, (_, i) => {
      const openedAt = Math.round(NOW - rand() * SPAN);
      return {
        externalId: `T-${i}`,
        category: ['database', 'access', 'dns'][i % 3],
        team: team(i),
        openedAt,
        resolvedAt: openedAt + Math.round(rand() * 5 * DAY_MS),
      };
    }),
  );
  await store.insertNpsAnswers(
    Array.from({ length: 2_000 }, () => ({
      score: Math.floor(rand() * 11),
      answeredAt: Math.round(NOW - rand() * SPAN),
    })),
  );
  console.log(
    `  20,000 portal requests, 5,000 tickets, 2,000 NPS answers in ${seconds(
      Date.now() - started,
    )}`,
  );

  started = Date.now();
  const plugins = [
    'catalog',
    'scaffolder',
    'techdocs',
    'dora',
    'adoption',
    'search',
    'home',
    'crossplane',
  ];
  const perBatch = 1_000;
  for (let offset = 0; offset < ANALYTICS; offset += perBatch) {
    // One browser's batch: one user, events spread over a working day.
    const user = `user:default/u${Math.floor(rand() * USERS)}`;
    const dayStart = NOW - Math.floor(rand() * 90) * DAY_MS - DAY_MS;
    const batchEvents = [];
    for (let i = 0; i < Math.min(perBatch, ANALYTICS - offset); i++) {
      batchEvents.push({
        action: rand() < 0.7 ? 'navigate' : 'click',
        subject: `/page/${i % 50}`,
        at: new Date(dayStart + rand() * DAY_MS).toISOString(),
        pluginId: plugins[Math.floor(rand() * plugins.length)],
      });
    }
    await store.recordUsage(rollUpAnalytics(batchEvents, user));
  }
  const ingestMs = Date.now() - started;
  console.log(
    `  analytics: ${ANALYTICS} events in ${seconds(ingestMs)} (${Math.round(
      ANALYTICS / (ingestMs / 1000),
    )} events/s, batches of ${perBatch})`,
  );
}

/** BENCH_PROFILE=1: time each store read a summary makes and print the averages per window. */
function profiled(store: AdoptionData) {
  const times = new Map<string, number[]>();
  if (!process.env.BENCH_PROFILE) return { times, print: () => {} };
  // The reads a summary makes, on the store that serves each of them.
  const reads: Array<[object, string]> = [
    [store.catalog, 'listComponents'],
    [store.catalog, 'declaredTemplateVersions'],
    [store.catalog, 'firstDeploys'],
    [store.events, 'listProvenanceEvents'],
    [store, 'portalRequestFacts'],
    [store, 'templateRunFacts'],
    [store.events, 'eventOnlyRunEvents'],
    [store.tickets, 'listTickets'],
    [store.usage, 'usageRollups'],
    [store.nps, 'listAnswers'],
  ];
  for (const [owner, name] of reads) {
    const target = owner as Record<
      string,
      (...a: unknown[]) => Promise<unknown>
    >;
    const original = target[name].bind(owner);
    target[name] = async (...args: unknown[]) => {
      const start = performance.now();
      try {
        return await original(...args);
      } finally {
        times.set(name, [
          ...(times.get(name) ?? []),
          performance.now() - start,
        ]);
      }
    };
  }
  return {
    times,
    print: () => {
      for (const [name, list] of times) {
        console.log(
          `    ${name}: p50 ${percentile(list, 0.5)!.toFixed(
            0,
          )} ms (from the start of the summary's parallel reads)`,
        );
      }
      times.clear();
    },
  };
}

async function measure(store: AdoptionData) {
  const profile = profiled(store);
  const config = readTestConfig({ roi: { platformCostPerYear: 600_000 } });
  const logger = mockServices.rootLogger({ level: 'error' });
  // Allow-all stands in for the policy: the benchmark measures the API, not the permission backend.
  const permissions = {
    authorize: async (r: unknown[]) =>
      r.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async (r: unknown[]) =>
      r.map(() => ({ result: AuthorizeResult.ALLOW })),
  } as unknown as PermissionsService;
  const summary = SummaryService.create({ store, config });
  const router = await createRouter({
    ingest: IngestService.create({ store, config, logger }),
    summary,
    httpAuth: mockServices.httpAuth(),
    permissions,
    logger,
  });
  const server = express().use('/api/adoption', router).listen(0);
  const { port } = server.address() as AddressInfo;
  const timed = async (url: string) => {
    const start = performance.now();
    const response = await fetch(url);
    const body = await response.text();
    if (!response.ok)
      throw new Error(`summary failed: ${response.status} ${body}`);
    return { ms: performance.now() - start, size: body.length };
  };
  const report = (label: string, times: number[], extra = '') =>
    console.log(
      `  ${label}: p50 ${percentile(times, 0.5)!.toFixed(
        0,
      )} ms, p95 ${percentile(times, 0.95)!.toFixed(0)} ms (${
        times.length
      } queries${extra})`,
    );
  try {
    for (const window of [90, 30]) {
      const url = `http://127.0.0.1:${port}/api/adoption/summary?window=${window}`;
      // The collector computes and stores the summary; reads are served from it.
      await summary.refresh(window);
      profile.times.clear();
      const reads: number[] = [];
      let size = 0;
      for (let i = 0; i < QUERIES; i++) {
        const r = await timed(url);
        reads.push(r.ms);
        size = r.size;
      }
      report(
        `GET /summary?window=${window} (stored summary)`,
        reads,
        `, ${Math.round(size / 1024)} KiB`,
      );
      // A real write over HTTP, then the read: the summary is recomputed from the daily rollups.
      // In turn: a ticket import, a self-service event, an analytics batch (catalog-side inputs
      // reused) and a golden-path run naming a new component (a provenance event: the
      // catalog-side inputs are reloaded too).
      const recomputes: number[] = [];
      const afterGoldenPath: number[] = [];
      const writes: number[] = [];
      const post = async (path: string, body: unknown) => {
        const start = performance.now();
        const response = await fetch(
          `http://127.0.0.1:${port}/api/adoption${path}`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              // Events come from the scaffolder module (a service); the rest from signed-in users.
              ...(path === '/events'
                ? { authorization: mockCredentials.service.header() }
                : {}),
            },
            body: JSON.stringify(body),
          },
        );
        if (!response.ok) {
          throw new Error(
            `${path} failed: ${response.status} ${await response.text()}`,
          );
        }
        writes.push(performance.now() - start);
      };
      for (let i = 0; i < Math.max(8, Math.round(QUERIES / 3)); i++) {
        const at = new Date(Date.now() - 3_600_000).toISOString();
        const key = `${window}-${i}-${Date.now()}`;
        if (i % 4 === 0) {
          await post('/tickets', {
            tickets: Array.from({ length: 50 }, (_, j) => ({
              externalId: `BENCH-${key}-${j}`,
              category: 'database',
              openedAt: at,
              team: 'group:default/team-1',
            })),
          });
        } else if (i % 4 === 1) {
          await post('/events', {
            events: [
              {
                id: `bench-${key}`,
                type: 'self-service',
                occurredAt: at,
                owner: 'group:default/team-1',
                kind: 'database',
                requestedAt: at,
                readyAt: new Date(Date.now()).toISOString(),
                status: 'completed',
              },
            ],
          });
        } else if (i % 4 === 2) {
          await post('/analytics', {
            events: [
              {
                action: 'navigate',
                subject: '/adoption',
                at,
                pluginId: 'adoption',
              },
            ],
          });
        } else {
          await post('/events', {
            events: [
              {
                id: `bench-run-${key}`,
                type: 'template-run',
                occurredAt: at,
                templateRef: 'template:default/golden-1',
                templateVersion: '1.3.0',
                entityRef: `component:default/bench-${key}`,
                owner: 'group:default/team-1',
                status: 'completed',
                durationMs: 95_000,
              },
            ],
          });
        }
        const { ms } = await timed(url);
        recomputes.push(ms);
        if (i % 4 === 3) afterGoldenPath.push(ms);
      }
      report(
        `GET /summary?window=${window} right after a write (recomputed)`,
        recomputes,
      );
      report(
        `  of which right after a golden-path run (catalog side reloaded)`,
        afterGoldenPath,
      );
      profile.print();
      report(
        'POST before those reads (50 tickets, an event, analytics)',
        writes,
      );
    }
  } finally {
    server.close();
  }
}

async function bench(name: string, knex: Knex) {
  console.log(`### ${name}`);
  const store = await AdoptionData.create({
    database: { getClient: async () => knex },
  });
  await load(store);
  await measure(store);
}

async function main() {
  console.log(
    `Adoption benchmark: ${COMPONENTS} components, ${RUNS} template runs, ${ANALYTICS} analytics events, 90-day window`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'adoption-bench-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'adoption.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await bench('SQLite (file)', sqlite);
  } finally {
    await sqlite.destroy();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(`  kept ${dir}`);
  }
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
  if (!pg) {
    console.log(
      '### PostgreSQL: skipped (run through scripts/with-test-postgres.mjs)',
    );
    return;
  }
  const admin = knexFactory({ client: 'pg', connection: pg });
  const database = `adoption_bench_${Date.now()}`;
  await admin.raw(`create database ${database}`);
  const url = new URL(pg);
  url.pathname = `/${database}`;
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  try {
    await bench('PostgreSQL 18', knex);
  } finally {
    await knex.destroy();
    await admin.raw(`drop database ${database}`);
    await admin.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
