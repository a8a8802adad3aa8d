import {
  compareVersions,
  computeCoverage,
  computeNps,
  computeRoi,
  computeSelfService,
  computeTemplateRuns,
  computeTimeToFirstDeploy,
  computeUsage,
  eventOnlyRuns,
  factsOfRuns,
  weightedPercentile,
  netPromoterScore,
  normalizeErrorMessage,
  percentile,
  portalRequestFactsOf,
  portalRequestsOf,
  weekStart,
  withEventProvenance,
} from '.';
import {
  AdoptionEventRecord,
  ComponentRecord,
  TemplateRunRecord,
} from './model';
import { DAY_MS, HOUR_MS } from './statistics';

// Monday 2026-11-02 00:00 UTC; the window is the four weeks up to Monday 2026-11-30.
const T0 = Date.UTC(2026, 10, 2);
const window = { from: T0, to: T0 + 28 * DAY_MS };

const component = (
  name: string,
  owner: string | null,
  templateRef: string | null = null,
  templateVersion: string | null = null,
  createdAt: number | null = null,
): ComponentRecord => ({
  entityRef: `component:default/${name}`,
  owner,
  templateRef,
  templateVersion,
  createdAt,
});

const event = (over: Partial<AdoptionEventRecord>): AdoptionEventRecord => ({
  id: 'e',
  type: 'template-run',
  occurredAt: T0,
  templateRef: null,
  templateVersion: null,
  taskId: null,
  entityRef: null,
  owner: null,
  kind: null,
  requestedAt: null,
  readyAt: null,
  status: null,
  durationMs: null,
  ...over,
});

describe('statistics', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.95)).toBe(5);
    // 4 values: p50 is the 2nd (ceil(2)), p95 the 4th (ceil(3.8)).
    expect(percentile([40, 10, 30, 20], 0.5)).toBe(20);
    expect(percentile([40, 10, 30, 20], 0.95)).toBe(40);
  });

  it('buckets weeks on Mondays (UTC)', () => {
    expect(weekStart(T0 + 3 * DAY_MS + 5 * HOUR_MS)).toBe(T0);
    expect(weekStart(T0 - 1)).toBe(T0 - 7 * DAY_MS);
  });
});

describe('golden-path coverage', () => {
  const ts = 'template:default/typescript-service';
  const go = 'template:default/go-service';
  const components = [
    component('a', 'group:default/payments', ts, '1.1.0'),
    component('b', 'group:default/payments', ts, '1.0.0'),
    component('c', 'group:default/payments'),
    component('d', 'group:default/search', go, '2.0.0'),
    component('e', null),
  ];

  it('counts created-from-template and latest-version shares per team and overall', () => {
    const result = computeCoverage({
      components,
      declaredVersions: new Map([[ts, '1.1.0']]),
      target: 0.8,
    });
    // 3 of 5 from a template; of those a (1.1.0 = latest) and d (only version seen) are latest.
    expect(result.overall).toEqual({
      team: 'all',
      components: 5,
      fromTemplate: 3,
      onLatestVersion: 2,
      coverage: 0.6,
      latestShare: 2 / 3,
    });
    expect(result.teams.map(t => [t.team, t.coverage, t.latestShare])).toEqual([
      ['group:default/payments', 2 / 3, 0.5],
      ['group:default/search', 1, 1],
      ['unowned', 0, null],
    ]);
    expect(result.templates).toEqual([
      {
        templateRef: go,
        latestVersion: '2.0.0',
        components: 1,
        onLatestVersion: 1,
      },
      {
        templateRef: ts,
        latestVersion: '1.1.0',
        components: 2,
        onLatestVersion: 1,
      },
    ]);
  });

  it('uses the declared template version even when no component has it yet', () => {
    const result = computeCoverage({
      components,
      declaredVersions: new Map([[ts, '1.2.0']]),
      target: 0.8,
    });
    expect(result.teams[0].onLatestVersion).toBe(0);
  });

  it('orders versions semantically', () => {
    expect(compareVersions('1.10.0', '1.9.2')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0-rc.1')).toBe(1);
    expect(compareVersions('garbage', '0.0.1')).toBe(-1);
  });

  it('takes provenance from a template-run event for unannotated components', () => {
    const [c] = withEventProvenance(
      [component('c', 'group:default/payments')],
      [
        event({
          id: 'x',
          entityRef: 'component:default/c',
          templateRef: ts,
          templateVersion: '1.0.0',
          occurredAt: T0 + DAY_MS,
          status: 'completed',
        }),
        event({
          id: 'y',
          entityRef: 'component:default/c',
          templateRef: go,
          status: 'failed',
        }),
      ],
    );
    expect(c).toMatchObject({
      templateRef: ts,
      templateVersion: '1.0.0',
      createdAt: T0 + DAY_MS,
    });
  });
});

describe('template runs', () => {
  const run = (over: Partial<TemplateRunRecord>): TemplateRunRecord => ({
    taskId: 't',
    templateRef: 'template:default/ts',
    status: 'completed',
    createdAt: T0 + HOUR_MS,
    durationMs: 60_000,
    failedStep: null,
    errorMessage: null,
    ...over,
  });
  const runs = [
    run({ taskId: '1', durationMs: 30_000 }),
    run({ taskId: '2', durationMs: 90_000 }),
    run({ taskId: '3', durationMs: 60_000, createdAt: T0 + 8 * DAY_MS }),
    run({
      taskId: '4',
      status: 'failed',
      failedStep: 'publish',
      errorMessage: 'Repository orders-42 already exists\n at stack',
    }),
    run({
      taskId: '5',
      status: 'failed',
      failedStep: 'publish',
      errorMessage: 'Repository orders-43 already exists',
      createdAt: T0 + 9 * DAY_MS,
    }),
    run({ taskId: '6', status: 'processing', durationMs: null }),
    run({ taskId: 'old', createdAt: T0 - DAY_MS }),
  ];

  it('counts runs, success rate over finished runs and duration percentiles', () => {
    const result = computeTemplateRuns(factsOfRuns(runs, window), window);
    expect(result).toMatchObject({
      count: 6,
      succeeded: 3,
      failed: 2,
      successRate: 0.6,
      p50DurationMs: 60_000,
      p95DurationMs: 90_000,
    });
  });

  it('groups failures by template, step and normalised message', () => {
    const result = computeTemplateRuns(factsOfRuns(runs, window), window);
    expect(result.failures).toEqual([
      {
        templateRef: 'template:default/ts',
        step: 'publish',
        message: 'Repository orders-<n> already exists',
        count: 2,
        lastAt: new Date(T0 + 9 * DAY_MS).toISOString(),
      },
    ]);
    expect(normalizeErrorMessage(null)).toBe('unknown error');
  });

  it('has a weekly trend covering every week of the window', () => {
    const { trend } = computeTemplateRuns(factsOfRuns(runs, window), window);
    expect(trend.map(w => [w.count, w.succeeded, w.failed])).toEqual([
      [4, 2, 1],
      [2, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('adds event-only runs without double-counting tasks the history holds', () => {
    const merged = eventOnlyRuns(
      [
        event({
          id: 'a:template-run',
          taskId: 'a',
          templateRef: 'template:default/ts',
          status: 'completed',
        }),
        event({
          id: 'b:template-run',
          taskId: 'b',
          templateRef: 'template:default/ts',
          status: 'failed',
          durationMs: 5,
        }),
        event({ id: 'self', type: 'self-service' }),
      ],
      new Set(['a']),
    );
    expect(merged.map(r => [r.taskId, r.status])).toEqual([['b', 'failed']]);
  });
});

describe('weighted percentiles', () => {
  it('counts each value as often as it occurred', () => {
    // 1 x 10, 3 x 20, 1 x 90: ranks 1..5; p50 is rank 3 (20), p95 rank 5 (90).
    const values = [
      { value: 90, count: 1 },
      { value: 10, count: 1 },
      { value: 20, count: 3 },
    ];
    expect(weightedPercentile(values, 0.5)).toBe(20);
    expect(weightedPercentile(values, 0.95)).toBe(90);
    expect(weightedPercentile(values, 0.2)).toBe(10);
    expect(weightedPercentile([], 0.5)).toBeNull();
  });
});

describe('time to first production deploy', () => {
  it('measures hours from creation to first deploy, per team, pending ones apart', () => {
    const c = (name: string, owner: string, createdAt: number | null) =>
      component(name, owner, null, null, createdAt);
    const result = computeTimeToFirstDeploy({
      components: [
        c('a', 'group:default/payments', T0),
        c('b', 'group:default/payments', T0 + DAY_MS),
        c('c', 'group:default/search', T0),
        c('d', 'group:default/search', T0), // not deployed yet
        c('e', 'group:default/search', T0 + HOUR_MS), // deployed before creation: imported
        c('f', 'group:default/search', null), // no creation time
        c('g', 'group:default/search', T0 - DAY_MS), // before the window
      ],
      firstDeploys: new Map([
        ['component:default/a', T0 + 6 * HOUR_MS],
        ['component:default/b', T0 + DAY_MS + 30 * HOUR_MS],
        ['component:default/c', T0 + 2 * HOUR_MS],
        ['component:default/e', T0],
        ['component:default/g', T0],
      ]),
      window,
      targetHours: 24,
    });
    expect(result.overall).toEqual({
      team: 'all',
      deployed: 3,
      pending: 1,
      p50Hours: 6,
      p95Hours: 30,
    });
    expect(result.teams).toEqual([
      {
        team: 'group:default/payments',
        deployed: 2,
        pending: 0,
        p50Hours: 6,
        p95Hours: 30,
      },
      {
        team: 'group:default/search',
        deployed: 1,
        pending: 1,
        p50Hours: 2,
        p95Hours: 2,
      },
    ]);
  });
});

describe('self-service without tickets', () => {
  it('compares portal requests with tickets per team and overall', () => {
    const requests = portalRequestsOf([
      event({
        id: '1',
        type: 'self-service',
        owner: 'group:default/payments',
        requestedAt: T0,
        readyAt: T0 + HOUR_MS,
      }),
      event({
        id: '2',
        type: 'self-service',
        owner: 'group:default/payments',
        requestedAt: T0,
        readyAt: T0 + 3 * HOUR_MS,
      }),
      event({
        id: '3',
        type: 'template-run',
        owner: 'group:default/search',
        occurredAt: T0,
        durationMs: 2 * HOUR_MS,
        status: 'completed',
      }),
      event({
        id: '4',
        type: 'template-run',
        owner: 'group:default/search',
        status: 'failed',
      }),
    ]);
    const result = computeSelfService({
      requests: portalRequestFactsOf(requests, window),
      tickets: [
        {
          externalId: 'T1',
          category: 'database',
          team: 'group:default/payments',
          openedAt: T0,
          resolvedAt: T0 + 48 * HOUR_MS,
        },
        {
          externalId: 'T2',
          category: 'access',
          team: null,
          openedAt: T0 + 7 * DAY_MS,
          resolvedAt: null,
        },
        {
          externalId: 'T3',
          category: 'database',
          team: null,
          openedAt: T0 - DAY_MS,
          resolvedAt: T0,
        },
      ],
      window,
      target: 0.9,
    });
    expect(result.overall).toEqual({
      team: 'all',
      portalRequests: 3,
      tickets: 2,
      noTicketShare: 0.6,
    });
    expect(result.teams).toEqual([
      {
        team: 'group:default/payments',
        portalRequests: 2,
        tickets: 1,
        noTicketShare: 2 / 3,
      },
      {
        team: 'group:default/search',
        portalRequests: 1,
        tickets: 0,
        noTicketShare: 1,
      },
      { team: 'unowned', portalRequests: 0, tickets: 1, noTicketShare: 0 },
    ]);
    // Ready times 1, 3 and 2 hours: median 2. One resolved ticket in the window: 48 hours.
    expect(result.portalTimeToReadyP50Hours).toBe(2);
    expect(result.ticketTimeToResolveP50Hours).toBe(48);
    expect(result.categories).toEqual([
      { category: 'access', tickets: 1 },
      { category: 'database', tickets: 1 },
    ]);
    expect(result.trend[0]).toMatchObject({
      portalRequests: 3,
      tickets: 1,
      noTicketShare: 0.75,
    });
    expect(result.trend[1]).toMatchObject({
      portalRequests: 0,
      tickets: 1,
      noTicketShare: 0,
    });
    expect(result.trend[2].noTicketShare).toBeNull();
  });
});

describe('portal usage', () => {
  const rollups = {
    activeUsersByWeek: new Map([
      [T0, 4],
      [T0 + 21 * DAY_MS, 7],
    ]),
    pageViewsByWeek: new Map([
      [T0, 10],
      [T0 + 21 * DAY_MS, 5],
    ]),
    pageViewsByPlugin: new Map([
      ['catalog', 9],
      ['dora', 6],
    ]),
  };

  it('reports the last complete week and page views per plugin', () => {
    const result = computeUsage({ rollups, window, identity: 'hash' });
    expect(result.weeklyActiveUsers).toBe(7);
    expect(result.pageViews).toBe(15);
    expect(result.plugins[0]).toEqual({ pluginId: 'catalog', pageViews: 9 });
    expect(result.trend.map(w => w.activeUsers)).toEqual([4, 0, 0, 7]);
  });

  it('has no user counts when identities are dropped', () => {
    const result = computeUsage({ rollups, window, identity: 'drop' });
    expect(result.weeklyActiveUsers).toBeNull();
    expect(result.trend.every(w => w.activeUsers === null)).toBe(true);
    expect(result.pageViews).toBe(15);
  });
});

describe('NPS', () => {
  it('is % promoters minus % detractors', () => {
    // 2 promoters, 1 passive, 1 detractor of 4: 50% - 25% = 25.
    expect(netPromoterScore([10, 9, 7, 3])).toBe(25);
    expect(netPromoterScore([6, 6])).toBe(-100);
    expect(netPromoterScore([])).toBeNull();
  });

  it('has a monthly trend', () => {
    const result = computeNps(
      [
        { score: 10, answeredAt: T0 },
        { score: 0, answeredAt: T0 + 2 * DAY_MS },
        { score: 9, answeredAt: T0 + 27 * DAY_MS },
        { score: 1, answeredAt: T0 - DAY_MS },
      ],
      window,
    );
    expect(result).toMatchObject({
      score: 33.3,
      responses: 3,
      promoters: 2,
      passives: 0,
      detractors: 1,
    });
    expect(result.trend).toEqual([
      { monthStart: '2026-11-01T00:00:00.000Z', score: 33.3, responses: 3 },
    ]);
  });
});

describe('ROI', () => {
  const assumptions = {
    currency: 'EUR',
    loadedHourlyCost: 100,
    platformCostPerYear: 365_000,
    waitCostShare: 0.25,
    setupHoursPerGoldenPathRun: 8,
  };

  it('values the measured wait avoided and the setup replaced against the pro-rata cost', () => {
    const result = computeRoi({
      assumptions,
      windowDays: 30,
      portalRequests: 10,
      succeededRuns: 5,
      ticketP50Hours: 50,
      portalP50Hours: 2,
    });
    // 10 × 48 h × 0.25 = 120 h, plus 5 × 8 h = 40 h: 160 h × 100 = 16,000 against 30,000.
    expect(result).toMatchObject({
      hoursSaved: 160,
      value: 16_000,
      cost: 30_000,
      roi: -0.47,
    });
    expect(result.assumptions.map(a => a.source)).toContain('measured');
  });

  it('counts no wait avoided without tickets, and has no ratio without cost', () => {
    const result = computeRoi({
      assumptions: { ...assumptions, platformCostPerYear: 0 },
      windowDays: 30,
      portalRequests: 10,
      succeededRuns: 0,
      ticketP50Hours: null,
      portalP50Hours: 2,
    });
    expect(result.hoursSaved).toBe(0);
    expect(result.roi).toBeNull();
  });
});
