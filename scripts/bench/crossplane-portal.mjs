#!/usr/bin/env node
// Self-service PostgreSQL through the portal, as the browser form does it: POST
// /api/scaffolder/v2/tasks with the guest's token for the template request-postgres-database, until
// the task has completed with the database Ready (the action waits for Ready), then the Secret's
// credentials must connect with `pg`. Prints a Markdown table for docs/benchmarks.md.
//
// Starts `./portal start` when nothing listens on :7007 and stops it afterwards; holds no lock of
// its own: run it as `flock /tmp/portal-e2e.lock ./portal bench crossplane` on a shared machine.
// BENCH_FORM_REQUESTS sets the sequential sample (default 20), BENCH_FORM_CONCURRENT the
// concurrent batch (default 20). Every database it creates is deleted at the end.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  BACKEND,
  ensurePortal,
  KUBECONFIG,
  guestToken,
  percentile,
  root,
  sleep,
  waitForTemplate,
} from './portal.mjs';

const { Client } = createRequire(join(root, 'packages/app/package.json'))('pg');
const SEQUENTIAL = Number(process.env.BENCH_FORM_REQUESTS ?? 20);
const CONCURRENT = Number(process.env.BENCH_FORM_CONCURRENT ?? 20);
const TEMPLATE = 'template:default/request-postgres-database';
const COMPONENT = 'component:default/payments-api';
const NAMESPACE = 'team-payments';
const TASK_LIMIT_MS = 120_000;

function kubectl(...args) {
  return execFileSync('kubectl', args, {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG },
  });
}

/** Submits the form's request and waits for the task's end; returns milliseconds to completed. */
async function submitAndWait(headers, name) {
  const started = performance.now();
  const response = await fetch(`${BACKEND}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      templateRef: TEMPLATE,
      values: {
        component: COMPONENT,
        name,
        size: 'small',
        environment: 'staging',
        region: 'eu-west-1',
        backupRetentionDays: 7,
        deletionPolicy: 'Delete',
      },
    }),
  });
  if (response.status !== 201) {
    throw new Error(
      `task not created: ${response.status} ${await response.text()}`,
    );
  }
  const { id } = await response.json();
  for (;;) {
    const task = await (
      await fetch(`${BACKEND}/api/scaffolder/v2/tasks/${id}`, { headers })
    ).json();
    if (task.status === 'completed') return performance.now() - started;
    if (task.status === 'failed' || task.status === 'cancelled') {
      throw new Error(`task ${id} for ${name} ${task.status}`);
    }
    if (performance.now() - started > TASK_LIMIT_MS)
      throw new Error(`task ${id} timed out`);
    await sleep(50);
  }
}

/** The database is Ready in the portal's view and the Secret's credentials connect. */
async function verify(headers, name) {
  const list = await (
    await fetch(
      `${BACKEND}/api/crossplane/postgres?component=${encodeURIComponent(
        COMPONENT,
      )}`,
      {
        headers,
      },
    )
  ).json();
  const db = list.items.find(i => i.name === name);
  if (!db?.ready)
    throw new Error(`${name} is not Ready according to the portal`);
  const secret = JSON.parse(
    kubectl(
      'get',
      'secret',
      `${name}-connection`,
      '-n',
      NAMESPACE,
      '-o',
      'json',
    ),
  );
  const uri = Buffer.from(secret.data.uri, 'base64').toString('utf8');
  const client = new Client({ connectionString: uri });
  await client.connect();
  await client.query('select 1');
  await client.end();
}

const stopPortal = await ensurePortal();
const run = Date.now().toString(36).slice(-5);
const created = [];
try {
  const token = await guestToken();
  const headers = { authorization: `Bearer ${token}` };
  await waitForTemplate(token, 'request-postgres-database');

  // One warm-up request (first task of a fresh backend compiles templates, opens connections).
  const warmName = `bench-${run}-warm`;
  created.push(warmName);
  await submitAndWait(headers, warmName);

  const sequential = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const name = `bench-${run}-s${i}`;
    created.push(name);
    sequential.push(await submitAndWait(headers, name));
    await verify(headers, name);
  }

  const names = Array.from(
    { length: CONCURRENT },
    (_, i) => `bench-${run}-c${i}`,
  );
  created.push(...names);
  const batchStarted = performance.now();
  const concurrent = await Promise.all(
    names.map(name => submitAndWait(headers, name)),
  );
  const batchMs = performance.now() - batchStarted;
  for (const name of names) await verify(headers, name);

  const fmt = ms => `${(ms / 1000).toFixed(2)} s`;
  console.log(`| figure | value | target |
|---|---|---|
| form submit -> task completed with the database Ready (${SEQUENTIAL} sequential), p50 / p95 | ${fmt(
    percentile(sequential, 50),
  )} / ${fmt(percentile(sequential, 95))} | p95 <= 10 s |
| same, slowest of ${SEQUENTIAL} | ${fmt(Math.max(...sequential))} | recorded |
| ${CONCURRENT} concurrent form submits -> all Ready, p50 / p95 / total | ${fmt(
    percentile(concurrent, 50),
  )} / ${fmt(percentile(concurrent, 95))} / ${fmt(batchMs)} | recorded |
| Secrets whose credentials connected with \`pg\` | ${
    SEQUENTIAL + CONCURRENT
  } of ${SEQUENTIAL + CONCURRENT} | all |`);
} finally {
  if (created.length) {
    try {
      kubectl(
        'delete',
        'postgresqlinstance',
        '-n',
        NAMESPACE,
        '--ignore-not-found',
        '--wait=false',
        ...created,
      );
    } catch (error) {
      console.error(`cleanup failed: ${error.message}`);
    }
  }
  await stopPortal();
}
