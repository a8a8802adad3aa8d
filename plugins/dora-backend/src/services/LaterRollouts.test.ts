import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { HOUR_MS } from '../domain';
import { NormalizedEvent } from '../domain/events';
import { factFromRow } from '../database/factRows';
import { DoraStore } from './DoraStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const NOW = Date.parse('2025-06-01T00:00:00Z');
const T0 = NOW - 10 * HOUR_MS;
const resolve = (type: string, key: string) => (type === 'entity' ? key : null);
const origin = {
  source: 'api:test',
  serviceKeyType: 'entity' as const,
  serviceKey: 'component:default/payments',
};

/** A deployment of `commits` to a regional stream `hours` after T0. */
function deployment(
  id: string,
  stream: string,
  hours: number,
  commits: string[],
  kind: 'regular' | 'hotfix' = 'regular',
): NormalizedEvent {
  const finishedAt = T0 + hours * HOUR_MS;
  return {
    ...origin,
    type: 'deployment',
    externalId: id,
    environment: 'production',
    stream,
    production: true,
    status: 'success',
    kind,
    commitSha: commits[commits.length - 1],
    commits,
    startedAt: finishedAt - 60_000,
    finishedAt,
  };
}

function incident(
  id: string,
  hours: number,
  causeDeploymentId?: string,
): NormalizedEvent {
  return {
    ...origin,
    type: 'incident',
    externalId: id,
    openedAt: T0 + hours * HOUR_MS,
    resolvedAt: T0 + (hours + 1) * HOUR_MS,
    ...(causeDeploymentId ? { causeDeploymentId } : {}),
  };
}

async function facts(knex: Knex) {
  return (await knex('dora_deployment_facts').orderBy('deployment_id')).map(
    factFromRow,
  );
}

/**
 * One release rolled out to several streams counts once per service: a later rollout counts as a
 * failed release only when no earlier rollout of it failed. So when a late event changes whether
 * the first rollout failed, the later rollouts' facts change too, however far (up to the release
 * spread) after the events that changed it they finished.
 */
describe('later rollouts of a release', () => {
  it.each(databases.eachSupportedId())(
    'count as the failed release when a late regular deployment takes over the hotfix that had failed the first rollout (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      await store.ingest(
        [
          deployment('eu-1', 'eu', 0, ['c1']),
          // The same release in the US, failed by an incident (time fallback).
          deployment('us-1', 'us', 1.75, ['c1']),
          incident('i-us', 1.8),
          // The hotfix of the EU stream repairs eu-1: the release had failed there first.
          deployment('eu-fix', 'eu', 2, ['c3'], 'hotfix'),
        ],
        resolve,
        NOW,
      );
      expect(
        (await facts(knex)).find(f => f.id === 'us-1')?.releaseFailure,
      ).toBe(false);

      // Reported late: it finished before the hotfix, which repaired it instead.
      await store.ingest([deployment('eu-2', 'eu', 1.5, ['c2'])], resolve, NOW);
      const incremental = await facts(knex);
      expect(incremental.find(f => f.id === 'us-1')).toMatchObject({
        failed: true,
        repeatRollout: true,
        releaseFailure: true,
      });
      await store.rebuildAll();
      expect(incremental).toEqual(await facts(knex));
    },
  );

  it.each(databases.eachSupportedId())(
    'count as the failed release when a late deployment takes the incident that had failed the first rollout (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      await store.ingest(
        [
          deployment('eu-1', 'eu', 0, ['c1']),
          // Linked to eu-1 by the time fallback.
          incident('i-eu', 0.2),
          // Three hours later in the US, failed by an incident naming it.
          deployment('us-1', 'us', 3, ['c1']),
          incident('i-us', 3.2, 'us-1'),
        ],
        resolve,
        NOW,
      );
      expect(
        (await facts(knex)).find(f => f.id === 'us-1')?.releaseFailure,
      ).toBe(false);

      // Reported late: it finished between eu-1 and the incident, which now falls back to it.
      await store.ingest([deployment('eu-2', 'eu', 0.1, ['c2'])], resolve, NOW);
      const incremental = await facts(knex);
      expect(incremental.find(f => f.id === 'eu-1')?.failed).toBe(false);
      expect(incremental.find(f => f.id === 'us-1')).toMatchObject({
        failed: true,
        releaseFailure: true,
      });
      await store.rebuildAll();
      expect(incremental).toEqual(await facts(knex));
    },
  );
});
