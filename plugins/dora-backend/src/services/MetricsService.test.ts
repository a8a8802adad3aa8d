import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import {
  DEMO_SERVICES,
  generateDemoHistory,
} from '../demo/generateDemoHistory';
import {
  analyse,
  computeMetricSet,
  computeTrend,
  DAY_MS,
  HISTOGRAM_RELATIVE_ERROR,
  HOUR_MS,
  LogHistogram,
  median,
} from '../domain';
import { CatalogServiceMap } from './CatalogServiceMap';
import { demoResolver } from './DemoSeeder';
import { DoraStore } from './DoraStore';
import { MetricsService } from './MetricsService';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

/** Not at midnight, so every window has partial days at both ends. */
const NOW = Date.parse('2025-06-01T00:00:00Z') + 7.5 * HOUR_MS;

const serviceMap = () => {
  const map = CatalogServiceMap.create({
    catalog: {
      getEntities: async () => ({
        items: DEMO_SERVICES.map(s => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: s.name, namespace: 'default' },
          spec: { owner: `group:default/${s.team}` },
        })),
      }),
    } as any,
    auth: { getOwnServiceCredentials: async () => ({}) } as any,
    logger: { debug() {} } as any,
  });
  return map;
};

describe('MetricsService', () => {
  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    await store.ingest(
      generateDemoHistory({ now: NOW, days: 60 }),
      demoResolver(() => null),
      NOW,
    );
    const map = serviceMap();
    const create = (exactSampleLimit?: number) =>
      MetricsService.create({
        store,
        serviceMap: map,
        bandYear: '2024',
        incidentFallbackHours: 24,
        exactSampleLimit,
      });
    return { store, map, exact: create(), rollups: create(0) };
  }

  it.each(databases.eachSupportedId())(
    'gives the same figures from stored facts as the in-memory analysis of the raw events, %p',
    async databaseId => {
      const { store, map, exact } = await setup(databaseId);
      await map.refresh();
      const incidentSources = new Set([
        ...(await store.servicesWithIncidents()),
        ...map.componentsWithIncidentSource(),
      ]);
      const options = {
        bandYear: '2024' as const,
        fallbackWindowHours: 24,
        servicesWithIncidentSource: incidentSources,
      };
      for (const [scope, ref, services] of [
        ['organisation', undefined, undefined],
        [
          'team',
          'payments',
          [
            'component:default/payments-api',
            'component:default/checkout-web',
            'component:default/ledger-service',
            'component:default/fraud-scoring',
          ],
        ],
        ['service', 'search-api', ['component:default/search-api']],
      ] as const) {
        const response = await exact.getMetrics(
          { scope, ref, window: '30' },
          NOW,
        );
        // The reported window starts at the first UTC midnight inside the last 30 days.
        const window = {
          from: Date.parse(response.window.from),
          to: Date.parse(response.window.to),
        };
        const events = await store.loadEvents({
          ...window,
          lookbackMs: 30 * DAY_MS,
          entityRefs: services ? [...services] : undefined,
        });
        const analysis = analyse(events, 24 * HOUR_MS);
        // Team and organisation figures are distributions of per-service figures.
        expect(response.metrics).toEqual(
          computeMetricSet(analysis, window, { ...options, scope }, s =>
            services ? (services as readonly string[]).includes(s) : true,
          ),
        );
        // The team's trend is the team's own; the analysis is filtered to it already.
        expect(response.trend).toEqual(computeTrend(analysis, window, options));
        expect(
          response.metrics.deploymentFrequency.numerator.value,
        ).toBeGreaterThan(0);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'uses the same window at every scope and however the figures are read, %p',
    async databaseId => {
      const { exact, rollups } = await setup(databaseId);
      const windows = [];
      for (const service of [exact, rollups]) {
        for (const query of [
          { scope: 'organisation' as const, window: '30' as const },
          { scope: 'team' as const, ref: 'payments', window: '30' as const },
          {
            scope: 'service' as const,
            ref: 'search-api',
            window: '30' as const,
          },
        ]) {
          windows.push((await service.getMetrics(query, NOW)).window);
        }
      }
      // Starts at the first midnight of the reporting time zone (UTC) inside the window.
      const expected = {
        from: '2025-05-03T00:00:00.000Z',
        to: new Date(NOW).toISOString(),
        days: (NOW - Date.parse('2025-05-03T00:00:00Z')) / DAY_MS,
      };
      expect(windows).toEqual(windows.map(() => expected));
    },
  );

  it.each(databases.eachSupportedId())(
    'starts windows at midnight in the configured reporting time zone, %p',
    async databaseId => {
      const { store, map } = await setup(databaseId);
      for (const exactSampleLimit of [undefined, 0]) {
        const paris = MetricsService.create({
          store,
          serviceMap: map,
          bandYear: '2024',
          incidentFallbackHours: 24,
          reportingTimeZone: 'Europe/Paris',
          exactSampleLimit,
        });
        const response = await paris.getMetrics(
          { scope: 'organisation', window: '30' },
          NOW,
        );
        // NOW - 30 days is 2025-05-02T07:30Z; the next Paris midnight is 2025-05-02T22:00Z.
        expect(response.window.from).toBe('2025-05-02T22:00:00.000Z');
        const facts = await store.loadFacts({
          from: Date.parse(response.window.from),
          to: NOW,
        });
        expect(
          response.metrics.deploymentFrequency.details.streamDeployments,
        ).toBe(facts.length);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'reads long windows from rollups within the stated error, and says so, %p',
    async databaseId => {
      const { exact, rollups } = await setup(databaseId);
      const queries = [
        { scope: 'organisation' as const, window: '90' as const },
        { scope: 'team' as const, ref: 'search', window: '30' as const },
        {
          scope: 'stream' as const,
          ref: 'component:default/payments-api#production/eu',
          from: new Date(NOW - 45.3 * DAY_MS).toISOString(),
          to: new Date(NOW - 2.2 * DAY_MS).toISOString(),
        },
      ];
      for (const query of queries) {
        // Rollups answer for whole UTC days (up to now); the exact path over the same window.
        const b = await rollups.getMetrics(query, NOW);
        const { scope, ref } = query as { scope: any; ref?: string };
        const a = await exact.getMetrics(
          { scope, ref, from: b.window.from, to: b.window.to },
          NOW,
        );
        expect(Date.parse(b.window.from) % DAY_MS).toBe(0);
        for (const metric of [
          'deploymentFrequency',
          'changeFailureRate',
          'deploymentReworkRate',
        ] as const) {
          expect(b.metrics[metric].value).toEqual(a.metrics[metric].value);
          expect(b.metrics[metric].details).toEqual(a.metrics[metric].details);
        }
        expect(b.trend.map(p => p.deployments)).toEqual(
          a.trend.map(p => p.deployments),
        );
        expect(b.breakdown.map(r => r.ref)).toEqual(
          a.breakdown.map(r => r.ref),
        );
        for (const metric of [
          'changeLeadTime',
          'failedDeploymentRecoveryTime',
        ] as const) {
          const exactValue = a.metrics[metric].value!;
          const approximate = b.metrics[metric].value!;
          expect(Math.abs(approximate - exactValue)).toBeLessThanOrEqual(
            exactValue * HISTOGRAM_RELATIVE_ERROR + 1 / 3600,
          );
          expect(a.metrics[metric].details.approximate).toBeUndefined();
          expect(b.metrics[metric].details.approximate).toBe(1);
          expect(b.metrics[metric].warnings.map(w => w.code)).toContain(
            'approximate-median',
          );
          expect(b.metrics[metric].definition).toContain('within 2.44%');
        }
      }
    },
  );
});

describe('LogHistogram', () => {
  it('keeps the median within the stated relative error', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 0, max: 1 / 3600, noNaN: true }),
            fc.double({ min: 1 / 3600, max: 24 * 365 * 5, noNaN: true }),
          ),
          { minLength: 1, maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 4 }),
        (values, parts) => {
          // Built in parts and merged through the encoding, as rollups are.
          const merged = new LogHistogram();
          for (let p = 0; p < parts; p++) {
            const part = new LogHistogram();
            values.filter((_, i) => i % parts === p).forEach(v => part.add(v));
            merged.merge(part.encode());
          }
          const exact = median(values)!;
          const approximate = merged.median()!;
          expect(merged.count).toBe(values.length);
          expect(Math.abs(approximate - exact)).toBeLessThanOrEqual(
            exact * HISTOGRAM_RELATIVE_ERROR + 1 / 3600 + 1e-9,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
