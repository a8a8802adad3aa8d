import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  analyse,
  computeMetricSet,
  DAY_MS,
  EventSet,
  HOUR_MS,
} from '../domain';
import { DoraStore } from '../services/DoraStore';
import { seedDemoData } from '../services/DemoSeeder';
import { DEMO_SERVICES, generateDemoHistory } from './generateDemoHistory';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const events = generateDemoHistory({ now: NOW });

function teamEvents(team: string): EventSet {
  const slugs = new Set(
    DEMO_SERVICES.filter(s => s.team === team).map(s => s.name),
  );
  const set: EventSet = {
    deployments: [],
    changes: [],
    incidents: [],
    rollbacks: [],
  };
  for (const e of events) {
    const name = e.serviceKey.replace(/^(fernhill\/|component:default\/)/, '');
    if (!slugs.has(name)) {
      continue;
    }
    const service = `component:default/${name}`;
    if (e.type === 'deployment') {
      set.deployments.push({
        id: e.externalId,
        service,
        stream: e.stream,
        production: e.production,
        status: e.status,
        kind: e.kind,
        startedAt: e.startedAt,
        finishedAt: e.finishedAt ?? null,
        commitSha: e.commitSha,
        commits: e.commits,
      });
    } else if (e.type === 'change') {
      set.changes.push({ service, sha: e.sha, committedAt: e.committedAt });
    } else if (e.type === 'incident') {
      set.incidents.push({
        id: e.externalId,
        service,
        openedAt: e.openedAt,
        resolvedAt: e.resolvedAt ?? null,
        causeDeploymentId: e.causeDeploymentId,
      });
    } else {
      set.rollbacks.push({
        id: e.externalId,
        service,
        rolledBackDeploymentId: e.rolledBackDeploymentId,
        rollbackDeploymentId: e.rollbackDeploymentId,
        at: e.at,
      });
    }
  }
  return set;
}

const options = { bandYear: '2024' as const, fallbackWindowHours: 24 };
const last30 = { from: NOW - 30 * DAY_MS, to: NOW };
const first30 = { from: NOW - 90 * DAY_MS, to: NOW - 60 * DAY_MS };
const metricsOf = (team: string, window = last30) =>
  computeMetricSet(analyse(teamEvents(team), 24 * HOUR_MS), window, options);

describe('demo history', () => {
  it('is deterministic and never in the future', () => {
    expect(generateDemoHistory({ now: NOW })).toEqual(events);
    const times = events.flatMap(e =>
      Object.entries(e)
        .filter(([k, v]) => k.endsWith('At') && typeof v === 'number')
        .map(([, v]) => v as number),
    );
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
  });

  it('puts the teams at different bands', () => {
    expect(metricsOf('platform').deploymentFrequency.band).toBe('elite');
    expect(metricsOf('platform').changeLeadTime.band).toBe('elite');
    expect(metricsOf('payments').changeLeadTime.band).toBe('high');
    expect(metricsOf('catalog').changeLeadTime.band).toBe('medium');
    expect(metricsOf('catalog').deploymentFrequency).toMatchObject({
      band: 'medium',
    });
    expect(metricsOf('payments').deploymentFrequency.band).toBe('high');
  });

  it('has incidents, rollbacks, fallback links and a team that improves', () => {
    const all = metricsOf('payments', { from: NOW - 90 * DAY_MS, to: NOW });
    expect(all.changeFailureRate.details.rolledBack).toBeGreaterThan(0);
    expect(all.deploymentReworkRate.value).toBeGreaterThan(0);
    const search = {
      before: metricsOf('search', first30),
      after: metricsOf('search'),
    };
    expect(search.after.deploymentFrequency.value!).toBeGreaterThan(
      2 * search.before.deploymentFrequency.value!,
    );
    expect(search.after.changeLeadTime.value!).toBeLessThan(
      search.before.changeLeadTime.value! / 3,
    );
    expect(search.after.changeFailureRate.value!).toBeLessThan(
      search.before.changeFailureRate.value!,
    );
  });
});

describe('seedDemoData', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_18'],
    disableDocker: true,
  });

  it.each(databases.eachSupportedId())(
    'seeds once, across replicas, only into an empty store, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      const stores = await Promise.all([
        DoraStore.create({ database }),
        DoraStore.create({ database, skipMigrations: true }),
      ]);
      const logger = mockServices.logger.mock();
      const results = await Promise.all(
        stores.map(store =>
          seedDemoData({ store, resolve: () => null, logger, now: NOW }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const counts = await stores[0].counts();
      expect(counts.deployment).toBeGreaterThan(1000);
      expect(
        await seedDemoData({
          store: stores[1],
          resolve: () => null,
          logger,
          now: NOW,
        }),
      ).toBe(false);
      expect(await stores[0].counts()).toEqual(counts);
    },
    60_000,
  );
});
