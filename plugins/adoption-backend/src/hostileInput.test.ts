import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  fuzzEndpoint,
  fuzzRuns,
  HostileBody,
  hostileBody,
  hostileQuery,
  hostileValue,
  injectionStrings,
  mutated,
  snapshotSqliteTables,
} from '@internal/plugin-portal-node/testUtils';
import fc from 'fast-check';
import request from 'supertest';
import { adoptionPlugin } from './plugin';
import { testAdoptionConfig } from './__testUtils__/testUtils';

// Every adoption route under generated hostile input, through the whole plugin on real SQLite.
// The unit run takes a hundred cases per endpoint; `./portal bench fuzz` runs 5,000 each.
const RUNS = fuzzRuns(100);
jest.setTimeout(600_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const templateRun = {
  events: [
    {
      id: 'task-1:template-run',
      type: 'template-run',
      occurredAt: '2026-11-01T10:00:00Z',
      templateRef: 'template:default/go-service',
      taskId: 'task-1',
      owner: 'group:default/search',
      status: 'completed',
      durationMs: 1000,
    },
  ],
};

const tickets = {
  tickets: [
    {
      externalId: 'T-1',
      category: 'database',
      openedAt: '2026-11-01T10:00:00Z',
      resolvedAt: '2026-11-02T10:00:00Z',
      team: 'group:default/payments',
    },
  ],
};

const analytics = {
  events: [
    {
      action: 'navigate',
      subject: '/catalog',
      at: '2026-11-01T10:00:00Z',
      pluginId: 'catalog',
      extensionId: 'page:catalog',
      value: 1,
    },
  ],
};

const npsAnswer = { score: 9, comment: 'good' };

const fieldsOf = (prefix: string, value: object) => [
  prefix,
  ...Object.keys(value).map(k => `${prefix}.${k}`),
];

/** A ticket CSV with hostile cells (injections, absurd dates, formulas, quotes, CRLF). */
const ticketCsv: fc.Arbitrary<HostileBody> = fc
  .array(
    fc.array(
      fc.oneof(
        fc.constantFrom(...injectionStrings).map(String),
        hostileValue.map(v => String(v)),
        fc.constantFrom('=cmd|" /C calc"!A0', '"', '""', '\r\n', ',,,'),
        fc.string({ maxLength: 20 }),
      ),
      { minLength: 0, maxLength: 7 },
    ),
    { maxLength: 5 },
  )
  .chain(rows =>
    fc
      .record({
        header: fc.constantFrom(
          'external_id,category,opened_at,resolved_at,team',
          'external_id,category',
          '__proto__,constructor,prototype',
          '',
        ),
        contentType: fc.constantFrom(
          'text/csv',
          'text/plain',
          'application/json',
        ),
      })
      .map(({ header, contentType }) => ({
        contentType,
        body: Buffer.from(
          [header, ...rows.map(r => r.map(c => `"${c}"`).join(','))].join('\n'),
        ),
      })),
  );

describe('Adoption API under hostile input', () => {
  let server: Parameters<typeof request>[0];
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    snapshot = () => snapshotSqliteTables(knex, 'adoption_');
    ({ server } = await startTestBackend({
      features: [
        adoptionPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { adoption: testAdoptionConfig },
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    }));
  });

  const credentials = fc.constantFrom(
    mockCredentials.user.header(),
    mockCredentials.service.header(),
    mockCredentials.user.invalidHeader(),
    '',
  );

  const post = async (
    path: string,
    { contentType, body }: HostileBody,
    authorization: string,
  ) => {
    let req = request(server)
      .post(`/api/adoption${path}`)
      .timeout(30_000)
      .set('Content-Type', contentType)
      // Bytes as they are: superagent would JSON-encode a Buffer sent as application/json.
      .serialize(raw => raw);
    if (authorization) req = req.set('Authorization', authorization);
    const res = await req.send(body);
    return { status: res.status, body: res.body };
  };

  it.each([
    {
      path: '/events',
      body: hostileBody(
        mutated(templateRun, fieldsOf('events.0', templateRun.events[0])),
      ),
    },
    {
      path: '/tickets',
      body: hostileBody(
        mutated(tickets, fieldsOf('tickets.0', tickets.tickets[0])),
      ),
    },
    { path: '/tickets/import', body: ticketCsv },
    {
      path: '/analytics',
      body: hostileBody(
        mutated(analytics, fieldsOf('events.0', analytics.events[0])),
      ),
    },
    {
      path: '/nps',
      body: hostileBody(mutated(npsAnswer, ['score', 'comment'])),
    },
    { path: '/nps/dismiss', body: hostileBody(fc.constant({})) },
  ])(
    'POST $path never answers 5xx and a rejected request leaves the tables unchanged',
    async ({ path, body }) => {
      const counts = await fuzzEndpoint({
        endpoint: `POST /api/adoption${path}`,
        input: fc.record({ body, authorization: credentials }),
        send: ({ body: b, authorization }) => post(path, b, authorization),
        large: b => post(path, b, mockCredentials.user.header()),
        snapshot,
        runs: RUNS,
      });
      expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
    },
  );

  it.each<{ path: string; query: Record<string, string> }>([
    { path: '/summary', query: { window: '30' } },
    { path: '/nps/status', query: {} },
    { path: '/access', query: {} },
    { path: '/health', query: {} },
  ])(
    'GET $path never answers 5xx and changes nothing',
    async ({ path, query }) => {
      const counts = await fuzzEndpoint({
        endpoint: `GET /api/adoption${path}`,
        input: fc.record({
          query: hostileQuery(query),
          authorization: credentials,
        }),
        send: async ({ query: q, authorization }) => {
          let req = request(server)
            .get(`/api/adoption${path}?${q}`)
            .timeout(30_000);
          if (authorization) req = req.set('Authorization', authorization);
          const res = await req;
          return { status: res.status, body: res.body };
        },
        snapshot,
        runs: RUNS,
      });
      expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
    },
  );

  it('leaves a healthy backend after the hostile input: ready, a valid request accepted, Object.prototype untouched', async () => {
    // A healthy backend after every run: readiness, the plugin's health, and a valid event stored.
    expect(
      (await request(server).get('/.backstage/health/v1/readiness')).status,
    ).toBe(200);
    expect((await request(server).get('/api/adoption/health')).status).toBe(
      200,
    );
    const valid = await request(server)
      .post('/api/adoption/events')
      .set('Authorization', mockCredentials.service.header())
      .send(templateRun);
    expect(valid.status).toBe(202);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
