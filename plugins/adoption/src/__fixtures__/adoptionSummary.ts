import { AdoptionSummary } from '@internal/plugin-adoption-common';

/**
 * A small summary with hand-computed figures (90 days, 14 components, 150 template runs) for the
 * page's component tests.
 */
export const adoptionSummaryFixture: AdoptionSummary = {
  window: {
    from: '2026-08-24T00:00:00.000Z',
    to: '2026-11-22T00:00:00.000Z',
    days: 90,
  },
  computedAt: '2026-11-22T00:00:00.000Z',
  demoData: true,
  coverage: {
    target: 0.8,
    overall: {
      team: 'all',
      components: 14,
      fromTemplate: 11,
      onLatestVersion: 8,
      coverage: 11 / 14,
      latestShare: 8 / 11,
    },
    teams: [
      {
        team: 'group:default/payments',
        components: 4,
        fromTemplate: 3,
        onLatestVersion: 2,
        coverage: 0.75,
        latestShare: 2 / 3,
      },
      {
        team: 'group:default/platform',
        components: 3,
        fromTemplate: 2,
        onLatestVersion: 2,
        coverage: 2 / 3,
        latestShare: 1,
      },
    ],
    templates: [],
  },
  templateRuns: {
    count: 150,
    succeeded: 138,
    failed: 12,
    successRate: 0.92,
    p50DurationMs: 95_000,
    p95DurationMs: 480_000,
    failures: [
      {
        templateRef: 'template:default/typescript-service',
        step: 'publish',
        message: 'boom',
        count: 5,
        lastAt: '2026-11-20T10:00:00.000Z',
      },
    ],
    templates: [],
    trend: [
      {
        weekStart: '2026-11-16T00:00:00.000Z',
        count: 10,
        succeeded: 9,
        failed: 1,
        successRate: 0.9,
      },
    ],
  },
  timeToFirstDeploy: {
    targetHours: 24,
    overall: {
      team: 'all',
      deployed: 9,
      pending: 0,
      p50Hours: 18,
      p95Hours: 60,
    },
    teams: [],
  },
  selfService: {
    target: 0.9,
    overall: {
      team: 'all',
      portalRequests: 180,
      tickets: 40,
      noTicketShare: 180 / 220,
    },
    teams: [],
    portalTimeToReadyP50Hours: 0.1,
    ticketTimeToResolveP50Hours: 40,
    categories: [],
    trend: [],
  },
  usage: {
    identity: 'hash',
    weeklyActiveUsers: 61,
    pageViews: 9000,
    plugins: [{ pluginId: 'catalog', pageViews: 4000 }],
    trend: [],
  },
  nps: {
    score: 32.5,
    responses: 70,
    promoters: 30,
    passives: 25,
    detractors: 15,
    trend: [],
  },
  roi: {
    currency: 'EUR',
    hoursSaved: 3000,
    value: 285000,
    cost: 148000,
    roi: 0.93,
    assumptions: [
      { name: 'Loaded hourly cost', value: '95 EUR', source: 'config' },
    ],
  },
};
