import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import {
  AdoptionEventRecord,
  computeTemplateRuns,
  DAY_MS,
  factsOfRuns,
  portalRequestFactsOf,
  portalRequestsOf,
  weekStart,
} from '../domain';
import { createTestStore } from '../__testUtils__/testUtils';
import { AdoptionData } from './AdoptionData';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const T = Date.parse('2026-11-02T10:00:00Z');
const window = { from: T - 10 * DAY_MS, to: T + 10 * DAY_MS };

const event = (
  id: string,
  over: Partial<AdoptionEventRecord> = {},
): AdoptionEventRecord => ({
  id,
  type: 'self-service',
  occurredAt: T,
  templateRef: null,
  templateVersion: null,
  taskId: null,
  entityRef: null,
  owner: 'group:default/payments',
  kind: 'database',
  requestedAt: T,
  readyAt: T + 60_000,
  status: 'completed',
  durationMs: null,
  ...over,
});

describe.each(databases.eachSupportedId())('AdoptionData on %p', databaseId => {
  it('stores an event id once, however often it is delivered', async () => {
    const { store } = await createTestStore(databases, databaseId);
    expect(await store.insertEvents([event('a'), event('b'), event('a')])).toBe(
      2,
    );
    expect(
      await store.insertEvents([
        event('a', { owner: 'group:default/x' }),
        event('c'),
      ]),
    ).toBe(1);
    const events = await store.events.listEvents(window);
    expect(events.map(e => e.id).sort()).toEqual(['a', 'b', 'c']);
    expect(events.find(e => e.id === 'a')!.owner).toBe(
      'group:default/payments',
    );
  });

  it('lists provenance events outside the window too', async () => {
    const { store } = await createTestStore(databases, databaseId);
    await store.insertEvents([
      event('old-run', {
        type: 'template-run',
        occurredAt: T - 100 * DAY_MS,
        entityRef: 'component:default/a',
        status: 'completed',
      }),
      event('old-failed', {
        type: 'template-run',
        occurredAt: T - 100 * DAY_MS,
        entityRef: 'component:default/b',
        status: 'failed',
      }),
      event('old-db', { occurredAt: T - 100 * DAY_MS }),
    ]);
    expect((await store.events.listEvents(window)).map(e => e.id)).toEqual([
      'old-run',
    ]);
  });

  it('re-imports tickets without duplicates and reports updates', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const ticket = {
      externalId: 'T-1',
      category: 'database',
      team: null,
      openedAt: T,
      resolvedAt: null,
    };
    expect(
      await store.upsertTickets([ticket, { ...ticket, externalId: 'T-2' }]),
    ).toEqual({ inserted: 2, updated: 0 });
    expect(
      await store.upsertTickets([{ ...ticket, resolvedAt: T + DAY_MS }]),
    ).toEqual({ inserted: 0, updated: 1 });
    const tickets = await store.tickets.listTickets(window);
    expect(tickets).toHaveLength(2);
    expect(tickets.find(t => t.externalId === 'T-1')!.resolvedAt).toBe(
      T + DAY_MS,
    );
  });

  it('adds up page views and counts each user once per week', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const day = T - (T % DAY_MS);
    const week = weekStart(T);
    await store.recordUsage({
      views: [{ day, pluginId: 'catalog', views: 2 }],
      users: [{ week, userKey: 'u1' }],
    });
    await store.recordUsage({
      views: [
        { day, pluginId: 'catalog', views: 3 },
        { day, pluginId: 'dora', views: 1 },
      ],
      users: [
        { week, userKey: 'u1' },
        { week, userKey: 'u2' },
      ],
    });
    const rollups = await store.usage.usageRollups(window);
    expect(rollups.pageViewsByPlugin).toEqual(
      new Map([
        ['catalog', 5],
        ['dora', 1],
      ]),
    );
    expect(rollups.activeUsersByWeek.get(week)).toBe(2);
    expect(rollups.pageViewsByWeek.get(week)).toBe(6);
  });

  it('accepts one NPS answer per user and period, also from concurrent requests', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const answer = {
      userKey: 'k',
      storeUserKey: false,
      score: 9,
      comment: null,
      now: T,
      notBefore: T - 30 * DAY_MS,
    };
    const results = await Promise.allSettled([
      store.recordNpsAnswer(answer),
      store.recordNpsAnswer(answer),
    ]);
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find(
      r => r.status === 'rejected',
    ) as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    await expect(
      store.recordNpsAnswer({ ...answer, now: T + DAY_MS }),
    ).rejects.toThrow(ConflictError);
    // After the period the user may answer again.
    await store.recordNpsAnswer({
      ...answer,
      now: T + 31 * DAY_MS,
      notBefore: T + DAY_MS,
    });
    expect(
      await store.nps.listAnswers({ from: 0, to: T + 40 * DAY_MS }),
    ).toHaveLength(2);
    expect((await store.nps.prompt('k'))!.answeredAt).toBe(T + 31 * DAY_MS);
  });

  it('upserts template runs by task id and lists which are unfinished', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const run = {
      taskId: 't1',
      templateRef: 'template:default/ts',
      templateVersion: '1.0.0',
      status: 'processing' as const,
      createdAt: T,
      finishedAt: null,
      durationMs: null,
      failedStep: null,
      errorMessage: null,
    };
    await store.upsertRuns([run]);
    expect(await store.runs.unfinishedRunIds(10)).toEqual(['t1']);
    await store.upsertRuns([
      {
        ...run,
        status: 'failed',
        finishedAt: T + 1000,
        durationMs: 1000,
        failedStep: 'publish',
        errorMessage: 'boom',
      },
    ]);
    expect(await store.runs.unfinishedRunIds(10)).toEqual([]);
    expect(await store.runs.listRuns(window)).toEqual([
      {
        taskId: 't1',
        templateRef: 'template:default/ts',
        status: 'failed',
        createdAt: T,
        durationMs: 1000,
        failedStep: 'publish',
        errorMessage: 'boom',
      },
    ]);
  });

  it('aggregates template runs in SQL exactly as the domain does from the rows', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const runs = Array.from({ length: 60 }, (_, i) => {
      const status = (['completed', 'failed', 'processing'] as const)[i % 3];
      return {
        taskId: `t${i}`,
        templateRef: `template:default/t${i % 4}`,
        templateVersion: '1.0.0',
        status,
        createdAt: T - (i % 20) * DAY_MS + i * 1000,
        finishedAt: null,
        durationMs: status === 'completed' ? 1000 * (i % 7) + 999 : null,
        failedStep: status === 'failed' ? `step-${i % 2}` : null,
        errorMessage: status === 'failed' ? `Failed with code ${i % 5}` : null,
      };
    });
    await store.upsertRuns(runs);
    const w = { from: T - 15 * DAY_MS, to: T + DAY_MS };
    expect(computeTemplateRuns(await store.templateRunFacts(w), w)).toEqual(
      computeTemplateRuns(factsOfRuns(runs, w), w),
    );
  });

  it('aggregates portal requests in SQL exactly as the domain does from the events', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const events = Array.from({ length: 40 }, (_, i) =>
      event(`e${i}`, {
        type: i % 4 === 0 ? 'template-run' : 'self-service',
        owner: i % 5 === 0 ? null : `group:default/team-${i % 3}`,
        occurredAt: T - (i % 12) * DAY_MS,
        requestedAt: i % 6 === 0 ? null : T - (i % 12) * DAY_MS - 3_600_000,
        readyAt: i % 7 === 0 ? null : T - (i % 12) * DAY_MS + i * 61_000,
        durationMs: i % 7 === 0 && i % 2 === 0 ? 125_000 : null,
        status: (['completed', 'failed', null] as const)[i % 3],
      }),
    );
    await store.insertEvents(events);
    const w = { from: T - 8 * DAY_MS, to: T + DAY_MS };
    const sorted = (f: any) => ({
      counts: [...f.counts].sort(
        (a: any, b: any) =>
          a.weekStart - b.weekStart || a.team.localeCompare(b.team),
      ),
      readyMinutes: [...f.readyMinutes].sort(
        (a: any, b: any) => a.minutes - b.minutes,
      ),
    });
    expect(sorted(await store.portalRequestFacts(w))).toEqual(
      sorted(portalRequestFactsOf(portalRequestsOf(events), w)),
    );
  });

  it('replaces the catalog snapshot as a whole', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const c = {
      entityRef: 'component:default/a',
      owner: null,
      templateRef: null,
      templateVersion: null,
      createdAt: null,
    };
    await store.replaceCatalogSnapshot(
      [c, { ...c, entityRef: 'component:default/b' }],
      new Map([['template:default/ts', '1.0.0']]),
    );
    await store.replaceCatalogSnapshot([c], new Map());
    expect(await store.catalog.listComponents()).toEqual([c]);
    expect(await store.catalog.declaredTemplateVersions()).toEqual(new Map());
  });

  it('counts a catalog change only when the catalog side really changed', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const catalogVersion = async () =>
      (await store.state.versions()).catalogVersion;
    const c = {
      entityRef: 'component:default/a',
      owner: 'group:default/payments',
      templateRef: 'template:default/ts',
      templateVersion: '1.0.0',
      createdAt: T,
    };
    const b = { ...c, entityRef: 'component:default/b' };
    const templates = new Map([['template:default/ts', '1.0.0']]);
    const v0 = await catalogVersion();

    expect(await store.replaceCatalogSnapshot([c, b], templates)).toBe(true);
    expect(await catalogVersion()).toBe(v0 + 1);
    // The same content in another order is no change and is not rewritten.
    expect(await store.replaceCatalogSnapshot([b, c], templates)).toBe(false);
    expect(await catalogVersion()).toBe(v0 + 1);
    expect(
      await store.replaceCatalogSnapshot(
        [c, { ...b, templateVersion: '1.1.0' }],
        templates,
      ),
    ).toBe(true);
    expect(await store.replaceCatalogSnapshot([c, b], new Map())).toBe(true);
    expect(await catalogVersion()).toBe(v0 + 3);

    const deploys = new Map([[c.entityRef, T + DAY_MS]]);
    expect(await store.replaceFirstDeploys(deploys)).toBe(true);
    expect(await store.replaceFirstDeploys(new Map(deploys))).toBe(false);
    expect(await store.catalog.firstDeploys()).toEqual(deploys);
    expect(await catalogVersion()).toBe(v0 + 4);

    // Events: only a new successful template run naming an entity gives provenance.
    const dataVersion = (await store.state.versions()).dataVersion;
    await store.insertEvents([
      event('db'),
      event('failed-run', {
        type: 'template-run',
        entityRef: 'component:default/c',
        status: 'failed',
      }),
    ]);
    expect(await catalogVersion()).toBe(v0 + 4);
    const run = event('run', {
      type: 'template-run',
      entityRef: 'component:default/c',
      status: 'completed',
    });
    await store.insertEvents([run]);
    expect(await catalogVersion()).toBe(v0 + 5);
    await store.insertEvents([run]);
    expect(await catalogVersion()).toBe(v0 + 5);
    // Catalog changes do not stand for writes that must show at once.
    expect((await store.state.versions()).dataVersion).toBe(dataVersion);
  });

  it('replaces a snapshot once when replicas write the same one at once', async () => {
    const { store, knex } = await createTestStore(databases, databaseId);
    const other = await AdoptionData.create({
      database: { getClient: async () => knex },
      skipMigrations: true,
    });
    const components = Array.from({ length: 500 }, (_, i) => ({
      entityRef: `component:default/s-${i}`,
      owner: null,
      templateRef: null,
      templateVersion: null,
      createdAt: null,
    }));
    const v0 = (await store.state.versions()).catalogVersion;
    const results = await Promise.all([
      store.replaceCatalogSnapshot(components, new Map()),
      other.replaceCatalogSnapshot([...components].reverse(), new Map()),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.state.versions()).catalogVersion).toBe(v0 + 1);
    expect(await store.catalog.listComponents()).toHaveLength(500);
  });

  it('runs a one-off job on exactly one of several concurrent callers', async () => {
    const { store } = await createTestStore(databases, databaseId);
    const job = jest.fn(async (tx: any) => {
      await tx.insertEvents([event('seed')]);
    });
    const results = await Promise.all([
      store.runOnce('m', job),
      store.runOnce('m', job),
      store.runOnce('m', job),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.counts()).toMatchObject({ adoption_events: 1 });
  });
});
