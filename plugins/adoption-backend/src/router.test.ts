import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { createRouter } from './router';
import { IngestService } from './services/IngestService';
import { SummaryService } from './services/SummaryService';
import { createTestStore, readTestConfig } from './__testUtils__/testUtils';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

async function createApp(options: { allow?: (name: string) => boolean } = {}) {
  const { store } = await createTestStore(databases, 'SQLITE_3');
  const config = readTestConfig();
  const logger = mockServices.logger.mock();
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async requests =>
    requests.map(r => ({
      result: (options.allow ?? (() => true))(r.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    })),
  );
  const router = await createRouter({
    ingest: IngestService.create({ store, config, logger }),
    summary: SummaryService.create({ store, config }),
    httpAuth: mockServices.httpAuth(),
    permissions,
    logger,
  });
  const app = express().use(router).use(mockErrorHandler());
  return { app, store };
}

const user = mockCredentials.user.header();
const service = mockCredentials.service.header();
const now = new Date().toISOString();

const validEvent = {
  id: 'task-1:template-run',
  type: 'template-run',
  occurredAt: now,
  templateRef: 'template:default/typescript-service',
  templateVersion: '1.0.0',
  taskId: 'task-1',
  entityRef: 'component:default/orders',
  owner: 'group:default/payments',
  kind: 'service',
  status: 'completed',
  durationMs: 42000,
};

describe('POST /events', () => {
  it('stores contract 3 events from a service, once per id', async () => {
    const { app } = await createApp();
    const post = () =>
      request(app)
        .post('/events')
        .set('Authorization', service)
        .send({ events: [validEvent] });
    expect((await post()).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await post()).body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('refuses events from users, who could otherwise forge golden-path runs and self-service requests', async () => {
    const { app } = await createApp();
    const res = await request(app)
      .post('/events')
      .set('Authorization', user)
      .send({ events: [validEvent] });
    expect(res.status).toBe(403);
    const stored = await request(app)
      .post('/events')
      .set('Authorization', service)
      .send({ events: [validEvent] });
    expect(stored.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('names the failing field', async () => {
    const { app } = await createApp();
    const res = await request(app)
      .post('/events')
      .set('Authorization', service)
      .send({
        events: [validEvent, { ...validEvent, id: 'x', owner: 'payments' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /events\.1\.owner: must be an entity reference group:/,
    );
  });

  it('rejects a body that is not JSON, and unauthenticated calls', async () => {
    const { app } = await createApp();
    const res = await request(app)
      .post('/events')
      .set('Authorization', service)
      .set('Content-Type', 'application/json')
      .send('{"events": [');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
    expect(
      (
        await request(app)
          .post('/events')
          .set('Authorization', mockCredentials.user.invalidHeader())
          .send({ events: [validEvent] })
      ).status,
    ).toBe(401);
  });

  it('answers arbitrary JSON with 202 or a 400 InputError, never a server error', async () => {
    const { app } = await createApp();
    const arbitraryEvent = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer()),
        type: fc.constantFrom('template-run', 'self-service', 'other', ''),
        occurredAt: fc.oneof(
          fc.constant(now),
          fc.string(),
          fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
        ),
        owner: fc.oneof(fc.constant('group:default/payments'), fc.string()),
        durationMs: fc.oneof(fc.integer(), fc.double()),
        status: fc.string(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ events: fc.array(arbitraryEvent, { maxLength: 3 }) }),
        ),
        async body => {
          const res = await request(app)
            .post('/events')
            .set('Authorization', service)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          expect([202, 400]).toContain(res.status);
          expect(
            res.status === 202 || res.body.error.name === 'InputError',
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('ticket import', () => {
  const csv = [
    'external_id,category,opened_at,resolved_at,team',
    'T-1,Database,2026-10-01T09:00:00Z,2026-10-02T09:00:00Z,group:default/payments',
    'T-2,access,2026-10-03T09:00:00Z,,',
    'T-3,database,yesterday,,',
    ',dns,2026-10-03T09:00:00Z,,',
    'T-4,dns,2026-10-05T09:00:00Z,2026-10-04T09:00:00Z,',
    'T-1,database,2026-10-01T09:00:00Z,,',
  ].join('\n');

  it('keeps the good rows, reports each bad row and why, and never duplicates on re-import', async () => {
    const { app, store } = await createApp();
    const upload = () =>
      request(app)
        .post('/tickets/import')
        .set('Authorization', user)
        .set('Content-Type', 'text/csv')
        .send(csv);
    const first = await upload();
    expect(first.status).toBe(200);
    expect(first.body.imported).toBe(2);
    expect(first.body.updated).toBe(0);
    expect(first.body.failed).toEqual([
      {
        row: 4,
        externalId: 'T-3',
        errors: ['openedAt: must be an ISO 8601 date-time with offset'],
      },
      { row: 5, errors: [expect.stringMatching(/^externalId:/)] },
      {
        row: 6,
        externalId: 'T-4',
        errors: ['resolvedAt: must not be before openedAt'],
      },
      {
        row: 7,
        externalId: 'T-1',
        errors: ['externalId: duplicates row 2 of this import'],
      },
    ]);
    const second = await upload();
    expect(second.body).toMatchObject({ imported: 2, updated: 2 });
    expect(
      await store.tickets.listTickets({ from: 0, to: Date.now() }),
    ).toHaveLength(2);
  });

  it('names missing columns and unclosed quotes', async () => {
    const { app } = await createApp();
    const post = (body: string) =>
      request(app)
        .post('/tickets/import')
        .set('Authorization', user)
        .set('Content-Type', 'text/csv')
        .send(body);
    expect(
      (await post('id,opened_at\nT-1,2026-10-01T09:00:00Z')).body.error.message,
    ).toMatch(/missing category/);
    expect(
      (await post('id,category,opened_at\n"T-1,db,2026-10-01T09:00:00Z')).body
        .error.message,
    ).toMatch(/line 2: a quoted field is not closed/);
  });

  it('imports through the JSON API with the same report', async () => {
    const { app } = await createApp();
    const res = await request(app)
      .post('/tickets')
      .set('Authorization', service)
      .send({
        tickets: [
          {
            externalId: 'J-1',
            category: 'database',
            openedAt: '2026-10-01T09:00:00Z',
          },
          { externalId: 'J-2' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(1);
    expect(res.body.failed[0]).toMatchObject({ row: 2, externalId: 'J-2' });
  });

  it('is for the platform team only', async () => {
    const { app } = await createApp({
      allow: name => name !== 'adoption.tickets.import',
    });
    const res = await request(app)
      .post('/tickets/import')
      .set('Authorization', user)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(403);
  });

  it('imports every generated valid row once, whatever the quoting, and re-imports in place', async () => {
    const { app, store } = await createApp();
    const field = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter(s => s.trim().length > 0 && s.trim() === s);
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            id: field,
            category: field,
            opened: fc.date({
              min: new Date('2020-01-01'),
              max: new Date('2026-01-01'),
              noInvalidDate: true,
            }),
          }),
          {
            minLength: 1,
            maxLength: 15,
            selector: r => r.id.toLocaleLowerCase('en-US'),
          },
        ),
        async rows => {
          round++;
          const lines = rows.map(r =>
            [
              quote(`${round}-${r.id}`),
              quote(r.category),
              r.opened.toISOString(),
            ].join(','),
          );
          const body = ['external_id,category,opened_at', ...lines].join(
            '\r\n',
          );
          const post = () =>
            request(app)
              .post('/tickets/import')
              .set('Authorization', user)
              .set('Content-Type', 'text/csv')
              .send(body);
          const first = await post();
          expect(first.body.failed).toEqual([]);
          expect(first.body.imported).toBe(rows.length);
          const second = await post();
          expect(second.body.updated).toBe(rows.length);
        },
      ),
      { numRuns: 40 },
    );
    const stored = await store.tickets.listTickets({ from: 0, to: Date.now() });
    expect(new Set(stored.map(t => t.externalId)).size).toBe(stored.length);
  });

  it('answers arbitrary text with a report or a 400, never a server error', async () => {
    const { app } = await createApp();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.array(fc.string({ maxLength: 30 }), { maxLength: 6 }), {
              maxLength: 6,
            })
            .map(rows =>
              [
                'external_id,category,opened_at,resolved_at,team',
                ...rows.map(r => r.join(',')),
              ].join('\n'),
            ),
        ),
        async body => {
          const res = await request(app)
            .post('/tickets/import')
            .set('Authorization', user)
            .set('Content-Type', 'text/csv')
            .send(body);
          expect([200, 400]).toContain(res.status);
          // A report accounts for every row; an error is an InputError.
          expect(
            res.status === 200
              ? Array.isArray(res.body.failed) && res.body.imported >= 0
              : res.body.error.name === 'InputError',
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('analytics and NPS', () => {
  it('accepts analytics batches from users only and validates every field', async () => {
    const { app } = await createApp();
    const ok = await request(app)
      .post('/analytics')
      .set('Authorization', user)
      .send({
        events: [
          {
            action: 'navigate',
            subject: '/catalog',
            at: now,
            pluginId: 'catalog',
          },
        ],
      });
    expect(ok.status).toBe(202);
    expect(
      (
        await request(app)
          .post('/analytics')
          .set('Authorization', service)
          .send({ events: [] })
      ).status,
    ).toBe(403);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async body => {
        const res = await request(app)
          .post('/analytics')
          .set('Authorization', user)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        expect([202, 400]).toContain(res.status);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects scores outside 0 to 10 and a second answer in the period', async () => {
    const { app } = await createApp();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer().filter(n => n < 0 || n > 10),
          fc.double().filter(n => !Number.isInteger(n)),
          fc.string(),
        ),
        async score => {
          const res = await request(app)
            .post('/nps')
            .set('Authorization', user)
            .send({ score });
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(/score: /);
        },
      ),
      { numRuns: 100 },
    );
    expect(
      (await request(app).get('/nps/status').set('Authorization', user)).body,
    ).toEqual({ due: true, periodDays: 30, anonymous: true });
    expect(
      (
        await request(app)
          .post('/nps')
          .set('Authorization', user)
          .send({ score: 9, comment: 'Great' })
      ).status,
    ).toBe(201);
    expect(
      (
        await request(app)
          .post('/nps')
          .set('Authorization', user)
          .send({ score: 3 })
      ).status,
    ).toBe(409);
    expect(
      (await request(app).get('/nps/status').set('Authorization', user)).body
        .due,
    ).toBe(false);
  });

  it('stops prompting after a dismissal', async () => {
    const { app } = await createApp();
    expect(
      (await request(app).post('/nps/dismiss').set('Authorization', user))
        .status,
    ).toBe(204);
    expect(
      (await request(app).get('/nps/status').set('Authorization', user)).body
        .due,
    ).toBe(false);
  });
});

describe('GET /summary', () => {
  it('is 403 without leadership.dashboards.read', async () => {
    const { app } = await createApp({
      allow: name => name !== 'leadership.dashboards.read',
    });
    const res = await request(app).get('/summary').set('Authorization', user);
    expect(res.status).toBe(403);
    expect(
      (await request(app).get('/access').set('Authorization', user)).body,
    ).toEqual({ dashboards: false, ticketsImport: true });
  });

  it('returns every measure, and a ticket import lowers the no-ticket share', async () => {
    const { app } = await createApp();
    await request(app)
      .post('/events')
      .set('Authorization', service)
      .send({
        events: [
          validEvent,
          { ...validEvent, id: 'db-1', type: 'self-service', kind: 'database' },
        ],
      });
    const before = await request(app)
      .get('/summary?window=30')
      .set('Authorization', user);
    expect(before.status).toBe(200);
    expect(before.body.selfService.overall).toMatchObject({
      portalRequests: 2,
      tickets: 0,
      noTicketShare: 1,
    });
    expect(before.body.templateRuns).toMatchObject({ count: 1, succeeded: 1 });
    await request(app)
      .post('/tickets/import')
      .set('Authorization', user)
      .set('Content-Type', 'text/csv')
      .send(`external_id,category,opened_at\nT-9,database,${now}`);
    const after = await request(app)
      .get('/summary?window=30')
      .set('Authorization', user);
    expect(after.body.selfService.overall.noTicketShare).toBeCloseTo(2 / 3);
    expect(Object.keys(after.body).sort()).toEqual(
      [
        'computedAt',
        'coverage',
        'demoData',
        'nps',
        'roi',
        'selfService',
        'templateRuns',
        'timeToFirstDeploy',
        'usage',
        'window',
      ].sort(),
    );
    expect(
      (await request(app).get('/summary?window=3').set('Authorization', user))
        .status,
    ).toBe(400);
  });
});

describe('GET /behind-latest', () => {
  const component = (name: string, templateVersion: string | null) => ({
    entityRef: `component:default/${name}`,
    owner: 'group:default/payments',
    templateRef: 'template:default/go-service',
    templateVersion,
    createdAt: null,
  });

  it('lists the services whose recorded golden-path version is older than the template declares', async () => {
    const { app, store } = await createApp();
    await store.replaceCatalogSnapshot(
      [
        component('ledger-api', '1.1.0'),
        component('orders-api', '2.0.0'),
        component('legacy-api', null),
        { ...component('site', '1.0.0'), templateRef: 'template:default/gone' },
      ],
      new Map([['template:default/go-service', '2.0.0']]),
    );
    const res = await request(app)
      .get('/behind-latest')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          entityRef: 'component:default/ledger-api',
          owner: 'group:default/payments',
          templateRef: 'template:default/go-service',
          version: '1.1.0',
          latestVersion: '2.0.0',
        },
      ],
    });
  });

  it('is 403 without leadership.dashboards.read, like the rest of the page', async () => {
    const { app } = await createApp({
      allow: name => name !== 'leadership.dashboards.read',
    });
    const res = await request(app)
      .get('/behind-latest')
      .set('Authorization', user);
    expect(res.status).toBe(403);
  });
});
