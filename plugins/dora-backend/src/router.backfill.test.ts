import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { Knex } from 'knex';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestApp } from './__testUtils__/createTestApp';
import { NumberedLine } from './ingest/ndjson';
import { factFromRow, rollupFromRow } from './database/factRows';
import { testDoraConfig } from './testUtils';
import { RAW_EVENT_TABLES } from './__testUtils__/tables';

jest.setTimeout(300_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const TOKEN = testDoraConfig.sources.deployer.token;
const DAY = 24 * 3_600_000;
const BASE = Date.parse('2025-03-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A valid history: for each of `n` days a commit, its deployment and every fifth an incident. */
function history(n: number): object[] {
  const events: object[] = [];
  for (let i = 0; i < n; i++) {
    const at = BASE + i * DAY;
    const sha = `${i.toString(16).padStart(6, '0')}`.padEnd(40, 'b');
    events.push({
      type: 'change',
      service: i % 2 ? 'payments-api' : 'hello-world',
      sha,
      committedAt: iso(at - 3_600_000),
    });
    events.push({
      type: 'deployment',
      id: `dep-${i}`,
      service: i % 2 ? 'payments-api' : 'hello-world',
      environment: 'production',
      status: 'success',
      commitSha: sha,
      commits: [sha],
      startedAt: iso(at),
      finishedAt: iso(at + 60_000),
    });
    if (i % 5 === 4) {
      events.push({
        type: 'incident',
        id: `inc-${i}`,
        service: i % 2 ? 'payments-api' : 'hello-world',
        openedAt: iso(at + 600_000),
        resolvedAt: iso(at + 1_200_000),
        causeDeploymentId: `dep-${i}`,
      });
    }
  }
  return events;
}

const ndjson = (lines: Array<object | string>) =>
  `${lines
    .map(l => (typeof l === 'string' ? l : JSON.stringify(l)))
    .join('\n')}\n`;

/** The derived tables, sorted: what the metrics are read from. */
async function derived(knex: Knex) {
  const sorted = (rows: unknown[]) => rows.map(r => JSON.stringify(r)).sort();
  return {
    facts: sorted((await knex('dora_deployment_facts')).map(factFromRow)),
    rollups: sorted((await knex('dora_daily_rollups')).map(rollupFromRow)),
    weekly: sorted((await knex('dora_weekly_rollups')).map(rollupFromRow)),
    unlinked: sorted(await knex('dora_unlinked_incidents')),
  };
}

async function eventCount(knex: Knex): Promise<number> {
  let total = 0;
  for (const table of RAW_EVENT_TABLES) {
    const [{ count }] = await knex(table).count({ count: '*' });
    total += Number(count);
  }
  return total;
}

const post = (app: Parameters<typeof request>[0], body: string | Buffer) =>
  request(app)
    .post('/backfill')
    .set('Authorization', `Bearer ${TOKEN}`)
    .set('Content-Type', 'application/x-ndjson')
    .send(body);

describe('POST /backfill', () => {
  it('stores a history streamed as NDJSON (CRLF, blank lines, gzip) and derives it once, as POST /events would', async () => {
    const events = history(30);
    const bulk = await createTestApp(databases, { backfillChunkLines: 7 });
    const body = `${events.map(e => JSON.stringify(e)).join('\r\n')}\r\n\r\n`;
    const res = await post(bulk.app, gzipSync(body)).set(
      'Content-Encoding',
      'gzip',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      backfill: expect.stringMatching(/^bf-/),
      status: 'completed',
      lines: events.length + 1,
      accepted: events.length,
      services: 2,
    });

    const status = await request(bulk.app)
      .get(`/backfill/${res.body.backfill}`)
      .set('Authorization', `Bearer ${TOKEN}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'completed',
      lines: events.length + 1,
      accepted: events.length,
      pendingServices: 0,
      resumeFromLine: events.length + 2,
    });

    const normal = await createTestApp(databases);
    for (let i = 0; i < events.length; i += 10) {
      const batch = await request(normal.app)
        .post('/events')
        .set('Authorization', `Bearer ${TOKEN}`)
        .send({ events: events.slice(i, i + 10) });
      expect(batch.status).toBe(202);
    }
    expect(await derived(bulk.knex)).toEqual(await derived(normal.knex));
    expect((await derived(bulk.knex)).facts).toHaveLength(30);
  });

  it('is guarded by the source tokens of POST /events and shows a job only to its source', async () => {
    const { app, knex } = await createTestApp(databases, {
      dora: {
        ...testDoraConfig,
        sources: {
          deployer: testDoraConfig.sources.deployer,
          other: { token: 'other-token-0123456789' },
        },
      },
    });
    const body = ndjson(history(2));
    expect((await request(app).post('/backfill').send(body)).status).toBe(401);
    expect(
      (
        await request(app)
          .post('/backfill')
          .set('Authorization', 'Bearer wrong-token-0123456789')
          .send(body)
      ).status,
    ).toBe(401);
    expect(await eventCount(knex)).toBe(0);
    expect(await knex('dora_backfill_jobs')).toEqual([]);

    const res = await post(app, body);
    expect(res.status).toBe(200);
    const job = `/backfill/${res.body.backfill}`;
    expect((await request(app).get(job)).status).toBe(401);
    expect(
      (
        await request(app)
          .get(job)
          .set('Authorization', 'Bearer other-token-0123456789')
      ).status,
    ).toBe(404);
  });

  it.each<[string, string | Buffer, RegExp]>([
    ['an empty body', '', /Request body is empty/],
    ['only blank lines', '\n\n', /Request body is empty/],
    [
      'a line that is not JSON',
      '{"type": "deployment",\n',
      /^line 1: not valid JSON/,
    ],
    [
      'a line that is not UTF-8',
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      /^line 1: not valid UTF-8/,
    ],
    [
      'a line over a mebibyte',
      `${' '.repeat(1024 * 1024 + 1)}\n`,
      /^line 1: longer than 1048576 bytes/,
    ],
    ['an array', '[]\n', /^Invalid event on line 1: \(root\)/],
  ])(
    'refuses %s with a message naming the line, storing nothing',
    async (_, body, message) => {
      const { app, knex } = await createTestApp(databases);
      const res = await post(app, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.message).toMatch(
        /nothing is stored \(backfill bf-/,
      );
      expect(await eventCount(knex)).toBe(0);
      const [job] = await knex('dora_backfill_jobs');
      expect(job).toMatchObject({ status: 'failed', lines: 0, events: 0 });
    },
  );

  it('refuses an unknown Content-Encoding before reading the body', async () => {
    const { app, knex } = await createTestApp(databases);
    const res = await post(app, ndjson(history(1))).set(
      'Content-Encoding',
      'br',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Content-Encoding br/);
    expect(await knex('dora_backfill_jobs')).toEqual([]);
  });

  it('stops at a hostile line, naming the line and the field; the lines before are stored and derived, with a status saying where to resume', async () => {
    const valid = history(12);
    const hostile = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            'id',
            'service',
            'status',
            'startedAt',
            'finishedAt',
            'environment',
            'commits',
            'kind',
            'surprise',
          ),
          fc.oneof(
            fc.constant(undefined),
            fc.jsonValue(),
            fc.constantFrom(
              '2999-01-01T00:00:00Z',
              '1970-01-01T00:00:00Z',
              'nope',
              '',
              -1,
              [],
            ),
          ),
        )
        .filter(([field, value]) => !(field === 'kind' && value === undefined))
        .filter(
          ([field, value]) => !(field === 'commits' && value === undefined),
        )
        .map(([field, value]) => {
          const copy: Record<string, unknown> = {
            type: 'deployment',
            id: 'hostile',
            service: 'hello-world',
            environment: 'production',
            status: 'success',
            startedAt: '2025-04-01T10:00:00Z',
            finishedAt: '2025-04-01T10:05:00Z',
          };
          if (value === undefined) {
            delete copy[field];
          } else {
            copy[field] = value;
          }
          return { line: JSON.stringify(copy), field };
        }),
      fc.string().map(s => ({ line: `{${s}`, field: undefined })),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.integer({ min: 0, max: valid.length }),
        async ({ line, field }, at) => {
          const { app, knex, store } = await createTestApp(databases, {
            backfillChunkLines: 4,
          });
          const lines = [
            ...valid.slice(0, at).map(e => JSON.stringify(e)),
            line,
            ...valid.slice(at).map(e => JSON.stringify(e)),
          ];
          const res = await post(app, ndjson(lines));
          if (res.status === 200) {
            return; // the mutation left a valid event
          }
          refused += 1;
          expect(res.status).toBe(400);
          const message: string = res.body.error.message;
          expect(message).toMatch(new RegExp(`line ${at + 1}\\b`));
          const namesField =
            !field ||
            message.includes('not valid JSON') ||
            (field === 'surprise'
              ? /surprise|Unrecognized/
              : new RegExp(field)
            ).test(message);
          expect(namesField).toBe(true);
          expect(message).toMatch(
            at === 0
              ? /nothing is stored/
              : new RegExp(
                  `lines 1-${at} are stored .*send the rest from line ${
                    at + 1
                  }`,
                ),
          );
          const [job] = await knex('dora_backfill_jobs');
          expect(job).toMatchObject({
            status: 'failed',
            lines: at,
            events: at,
          });
          expect(job.error).toMatch(new RegExp(`line ${at + 1}\\b`));
          expect(await knex('dora_backfill_services')).toEqual([]);
          expect(await eventCount(knex)).toBeLessThanOrEqual(at);

          // What is stored is derived: the tables equal a rebuild of the stored events.
          const stored = await derived(knex);
          await store.rebuildAll();
          expect(await derived(knex)).toEqual(stored);

          // Resuming from the bad line, fixed, ends where one clean request does.
          const rest =
            at < valid.length
              ? (await post(app, ndjson(valid.slice(at)))).status
              : 200;
          expect(rest).toBe(200);
          const clean = await createTestApp(databases);
          expect((await post(clean.app, ndjson(valid))).status).toBe(200);
          expect(await derived(knex)).toEqual(await derived(clean.knex));
        },
      ),
      { numRuns: 40, seed: 16 },
    );
    expect(refused).toBeGreaterThan(20);
  });

  it('derives what an interrupted stream stored and records where it stopped', async () => {
    const events = history(10);
    const { knex, store, backfill } = await createTestApp(databases, {
      backfillChunkLines: 5,
    });
    async function* broken(): AsyncGenerator<NumberedLine> {
      for (const [i, e] of events.entries()) {
        if (i === 12) {
          throw new Error('socket hang up');
        }
        yield { number: i + 1, text: JSON.stringify(e) };
      }
    }
    await expect(backfill.run('deployer', broken())).rejects.toThrow(
      'socket hang up',
    );
    const [job] = await knex('dora_backfill_jobs');
    expect(job).toMatchObject({ status: 'interrupted', lines: 10, events: 10 });
    expect(await eventCount(knex)).toBe(10);
    expect(await knex('dora_backfill_services')).toEqual([]);
    const stored = await derived(knex);
    expect(stored.facts.length).toBeGreaterThan(0);
    await store.rebuildAll();
    expect(await derived(knex)).toEqual(stored);
  });

  it('derives, in the scheduled sweep, a backfill whose replica stopped before deriving', async () => {
    const { knex, store, backfill } = await createTestApp(databases);
    const resolve = (_type: string, key: string) => `component:default/${key}`;
    await store.createBackfillJob('bf-crashed', 'api:deployer');
    await store.storeBackfillChunk(
      'bf-crashed',
      [
        {
          type: 'deployment',
          source: 'api:deployer',
          externalId: 'lost-1',
          serviceKeyType: 'entity',
          serviceKey: 'payments-api',
          environment: 'production',
          stream: 'production',
          production: true,
          status: 'success',
          kind: 'regular',
          startedAt: BASE,
          finishedAt: BASE + 60_000,
        },
      ],
      resolve,
      { lines: 1, events: 1 },
    );
    expect(await knex('dora_deployment_facts')).toEqual([]);
    // Not yet stale: left alone.
    expect(await backfill.finishAbandoned(60_000)).toBe(0);
    expect(await store.finishAbandonedBackfills(Date.now() + 1)).toBe(1);
    expect(await knex('dora_deployment_facts')).toHaveLength(1);
    const job = await store.getBackfillJob('bf-crashed', 'api:deployer');
    expect(job).toMatchObject({
      status: 'interrupted',
      lines: 1,
      pendingServices: 0,
    });
  });
});
