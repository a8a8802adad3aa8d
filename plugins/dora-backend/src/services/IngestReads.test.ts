import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { Knex } from 'knex';
import { DAY_MS, HOUR_MS } from '../domain';
import { factFromRow } from '../database/factRows';
import { termGroups } from '../database/sql';
import { emptyTables, rowsReadFrom } from '../__testUtils__/tables';
import { DoraStore } from './DoraStore';
import { batchShas, commitlessWithin } from '../database/IngestReads';
import { NormalizedEvent } from '../domain/events';

jest.setTimeout(600_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

describe('commitlessWithin', () => {
  const extent = { min: 100, max: 200 };

  it('says no when the service has no commit-less deployment', () => {
    expect(commitlessWithin({ min: null, max: null }, 0, 1000)).toBe(false);
  });

  it('answers windows open to the future from the latest finish', () => {
    expect(commitlessWithin(extent, 150, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(commitlessWithin(extent, 200, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(commitlessWithin(extent, 201, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('answers windows from the beginning from the earliest finish', () => {
    expect(commitlessWithin(extent, 0, 101)).toBe(true);
    expect(commitlessWithin(extent, 0, 100)).toBe(false);
  });

  it('rounds the window as the SQL does (floor of the start, ceiling of the end)', () => {
    expect(commitlessWithin(extent, 200.5, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(commitlessWithin(extent, 0, 99.5)).toBe(false);
    expect(commitlessWithin(extent, 0, 100.5)).toBe(true);
  });

  it('cannot tell a window strictly inside the extent', () => {
    expect(commitlessWithin(extent, 120, 180)).toBeUndefined();
  });
});

describe('termGroups', () => {
  it('groups terms in order within the term and binding limits', () => {
    const limits = { terms: 3, bindings: 10 };
    expect(termGroups([1, 1, 1, 1, 1], n => n, limits)).toEqual([
      [1, 1, 1],
      [1, 1],
    ]);
    expect(termGroups([4, 4, 4, 9, 2], n => n, limits)).toEqual([
      [4, 4],
      [4],
      [9],
      [2],
    ]);
  });

  it('keeps a term larger than the binding limit alone rather than dropping it', () => {
    expect(termGroups([20, 1], n => n, { terms: 5, bindings: 10 })).toEqual([
      [20],
      [1],
    ]);
  });

  it('makes no group of nothing', () => {
    expect(termGroups([], () => 1)).toEqual([]);
  });
});

describe('batchShas', () => {
  it('lists commits, deployed heads and commit lists once each', () => {
    const origin = {
      source: 's',
      serviceKeyType: 'entity' as const,
      serviceKey: 'component:default/a',
    };
    expect(
      batchShas([
        {
          ...origin,
          type: 'change',
          externalId: 'c1',
          sha: 'a',
          committedAt: 1,
        },
        {
          ...origin,
          type: 'deployment',
          externalId: 'd1',
          environment: 'production',
          stream: 'production',
          production: true,
          status: 'success',
          kind: 'regular',
          commitSha: 'c',
          commits: ['a', 'b'],
          startedAt: 1,
          finishedAt: 2,
        },
        {
          ...origin,
          type: 'incident',
          externalId: 'i1',
          openedAt: 3,
          causeCommitSha: 'z',
        },
      ]).sort(),
    ).toEqual(['a', 'b', 'c']);
  });
});

const NOW = Date.parse('2025-06-01T00:00:00Z');
const START = NOW - 40 * DAY_MS;
const resolve = (type: string, key: string) => (type === 'entity' ? key : null);

/**
 * Several services in one batch (one of them unmapped), some deploying without commit lists,
 * with commits reported before, with or after their deployments, pushes chaining commits,
 * incidents linked by id, by SHA and unlinked, and deployments rolling the one before back.
 */
const history = fc
  .array(
    fc.record({
      service: fc.constantFrom('a', 'b', 'c', 'unmapped'),
      hour: fc.integer({ min: 0, max: 30 * 24 }),
      kind: fc.constantFrom('regular', 'regular', 'hotfix'),
      listed: fc.constantFrom(true, true, false),
      incident: fc.constantFrom('none', 'none', 'id', 'sha', 'unlinked'),
      commitAgeHours: fc.integer({ min: 1, max: 24 * 10 }),
      pushed: fc.boolean(),
      rollsBack: fc.constantFrom(false, false, true),
    }),
    { minLength: 3, maxLength: 24 },
  )
  .map(items => {
    const events: NormalizedEvent[] = [];
    const commits: Array<{ service: string; sha: string; at: number }> = [];
    const deployed = new Map<string, string>();
    items.forEach((item, i) => {
      const origin = {
        source: 'api:test',
        serviceKeyType: item.service === 'unmapped' ? 'github' : 'entity',
        serviceKey:
          item.service === 'unmapped'
            ? 'fernhill/unknown'
            : `component:default/${item.service}`,
      } as const;
      const at = START + item.hour * HOUR_MS + i;
      const sha = `${item.service}-sha${i}`;
      const committedAt = at - item.commitAgeHours * HOUR_MS;
      // Pushed onto the service's newest earlier commit (a chain of pushes, with gaps).
      const before = commits
        .filter(c => c.service === item.service && c.at <= committedAt)
        .sort((a, b) => b.at - a.at)[0];
      commits.push({ service: item.service, sha, at: committedAt });
      events.push({
        ...origin,
        type: 'change',
        externalId: sha,
        sha,
        committedAt,
        ...(item.pushed
          ? {
              pushed: {
                before: before?.sha ?? '0'.repeat(40),
                head: sha,
                index: 0,
              },
            }
          : {}),
      });
      events.push({
        ...origin,
        type: 'deployment',
        externalId: `dep-${i}`,
        environment: 'production',
        stream: 'production',
        production: true,
        status: 'success',
        kind: item.kind as 'regular' | 'hotfix',
        commitSha: sha,
        commits: item.listed ? [sha] : undefined,
        startedAt: at - 60_000,
        finishedAt: at,
      });
      const previous = deployed.get(item.service);
      if (item.rollsBack && previous) {
        // This deployment rolls the service's previous one back.
        events.push({
          ...origin,
          type: 'rollback',
          externalId: `rb-${i}`,
          environment: 'production',
          stream: 'production',
          rolledBackDeploymentId: previous,
          rollbackDeploymentId: `dep-${i}`,
          at,
        });
      }
      deployed.set(item.service, `dep-${i}`);
      if (item.incident !== 'none') {
        events.push({
          ...origin,
          type: 'incident',
          externalId: `inc-${i}`,
          openedAt: at + HOUR_MS,
          resolvedAt: at + 3 * HOUR_MS,
          ...(item.incident === 'id' ? { causeDeploymentId: `dep-${i}` } : {}),
          ...(item.incident === 'sha' ? { causeCommitSha: sha } : {}),
        });
      }
    });
    return events;
  });

async function derived(knex: Knex) {
  const facts = (await knex('dora_deployment_facts'))
    .map(factFromRow)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const unlinked = (
    await knex('dora_unlinked_incidents').select('service', 'incident_id')
  ).sort((a: any, b: any) => (a.incident_id < b.incident_id ? -1 : 1));
  return { facts, unlinked };
}

describe('ingest of batches spanning several services', () => {
  it.each(databases.eachSupportedId())(
    'stores a batch in as many statements for 12 services as for 3, reading the SHA index and commit-less deployments once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      const batchOf = (count: number, run: string): NormalizedEvent[] =>
        Array.from({ length: count }, (_, i) => `svc-${i}`).flatMap(
          (name, i) => {
            const origin = {
              source: 'api:test',
              serviceKeyType: 'entity' as const,
              serviceKey: `component:default/${name}`,
            };
            const at = NOW - DAY_MS + i * HOUR_MS + (run === 'b' ? 1000 : 0);
            const sha = `${name}-${run}`;
            return [
              {
                ...origin,
                type: 'change' as const,
                externalId: sha,
                sha,
                committedAt: at - HOUR_MS,
              },
              {
                ...origin,
                type: 'deployment' as const,
                externalId: `${name}-d-${run}`,
                environment: 'production',
                stream: 'production',
                production: true,
                status: 'success' as const,
                kind: 'regular' as const,
                commitSha: sha,
                commits: [sha],
                startedAt: at - 60_000,
                finishedAt: at,
              },
            ];
          },
        );
      const statementsOf = async (batch: NormalizedEvent[]) => {
        const statements: string[] = [];
        const listen = (q: { sql: string }) => statements.push(q.sql);
        knex.on('query', listen);
        await store.ingest(batch, resolve, NOW);
        knex.removeListener('query', listen);
        return statements;
      };

      const few = await statementsOf(batchOf(3, 'a'));
      const many = await statementsOf(batchOf(12, 'b'));
      const reads = (pattern: RegExp) =>
        many.filter(sql => pattern.test(sql)).length;
      expect(reads(/^select .* from .dora_deployment_shas./)).toBe(1);
      expect(reads(/^select .* .commits. is null/)).toBe(1);
      expect(reads(/pg_advisory_xact_lock/)).toBeLessThanOrEqual(2);
      expect(many.length).toBe(few.length);

      const incremental = await derived(knex);
      expect(incremental.facts).toHaveLength(15);
      await store.rebuildAll();
      expect(incremental).toEqual(await derived(knex));
    },
  );

  it('derive the same facts as a full rebuild, whatever the batching and order', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    await fc.assert(
      fc.asyncProperty(
        history.chain(events =>
          fc.tuple(
            fc.shuffledSubarray(events, {
              minLength: events.length,
              maxLength: events.length,
            }),
            fc.integer({ min: 2, max: 40 }),
          ),
        ),
        async ([order, size]) => {
          await emptyTables(knex);
          for (let i = 0; i < order.length; i += size) {
            await store.ingest(order.slice(i, i + size), resolve, NOW);
          }
          const incremental = await derived(knex);
          await store.rebuildAll();
          expect(incremental).toEqual(await derived(knex));
        },
      ),
      { numRuns: 30, seed: 1205 },
    );
  });
});

/** The payments service's events, as one source reports them. */
const paymentsOrigin = {
  source: 'api:test',
  serviceKeyType: 'entity' as const,
  serviceKey: 'component:default/payments',
};

/** A successful production deployment of the payments service listing its one commit. */
function listedDeployment(
  id: string,
  finishedAt: number,
  kind: 'regular' | 'hotfix' = 'regular',
): NormalizedEvent {
  return {
    ...paymentsOrigin,
    type: 'deployment',
    externalId: id,
    environment: 'production',
    stream: 'production',
    production: true,
    status: 'success',
    kind,
    commitSha: `sha-${id}`,
    commits: [`sha-${id}`],
    startedAt: finishedAt - 60_000,
    finishedAt,
  };
}

describe('incidents naming a batch of deployments', () => {
  it('are read by the deployments and their SHAs through the cause indexes, not by reading every incident of the services (SQLite plan)', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    const deployment = (n: number) =>
      listedDeployment(`d-${n}`, NOW - DAY_MS + n * HOUR_MS);
    const statements: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (q: { sql: string; bindings: unknown[] }) =>
      statements.push(q);
    knex.on('query', listen);
    await store.ingest([deployment(1), deployment(2)], resolve, NOW);
    knex.removeListener('query', listen);

    // The spans' read: one statement by both causes.
    const naming = statements.filter(
      q =>
        /from .dora_incidents./.test(q.sql) &&
        /.cause_deployment_id. in/.test(q.sql) &&
        /.cause_commit_sha. in/.test(q.sql),
    );
    expect(naming).toHaveLength(1);
    // By the deployments' ids and by every SHA they list.
    expect(naming[0].bindings).toEqual(
      expect.arrayContaining(['d-1', 'd-2', 'sha-d-1', 'sha-d-2']),
    );
    const plan = (
      await knex.raw(
        `explain query plan ${naming[0].sql}`,
        naming[0].bindings as Knex.RawBinding[],
      )
    )
      .map((row: { detail: string }) => row.detail)
      .join('\n');
    expect(plan).toContain('dora_incidents_cause_deployment_idx');
    expect(plan).toContain('dora_incidents_cause_commit_idx');
    expect(plan).not.toMatch(/SCAN dora_incidents/);
    // The derivation's reads by one cause go through that cause's index too.
    const derivation = statements.filter(
      q =>
        /from .dora_incidents./.test(q.sql) &&
        /.cause_(deployment_id|commit_sha). in/.test(q.sql) &&
        !naming.includes(q),
    );
    expect(derivation.length).toBeGreaterThan(0);
    for (const q of derivation) {
      const detail = (
        await knex.raw(
          `explain query plan ${q.sql}`,
          q.bindings as Knex.RawBinding[],
        )
      )
        .map((row: { detail: string }) => row.detail)
        .join('\n');
      expect(detail).toMatch(/dora_incidents_cause_(deployment|commit)_idx/);
      expect(detail).not.toMatch(/SCAN dora_incidents/);
    }
  });
});

describe('the incidents a batch derivation reads', () => {
  it.each(databases.eachSupportedId())(
    'are those a time fallback can link to the new deployments and those naming them, not every incident of the 30-day lookback (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      const deployment = (n: number, finishedAt: number) =>
        listedDeployment(`d-${n}`, finishedAt);
      // A deployment a day for 40 days, each followed by an incident an hour later; every other
      // incident names its deployment.
      const earlier: NormalizedEvent[] = [];
      for (let day = 40; day >= 1; day--) {
        const at = NOW - day * DAY_MS;
        earlier.push(deployment(day, at), {
          ...paymentsOrigin,
          type: 'incident',
          externalId: `i-${day}`,
          openedAt: at + HOUR_MS,
          resolvedAt: at + 2 * HOUR_MS,
          ...(day % 2 === 0 ? { causeDeploymentId: `d-${day}` } : {}),
        });
      }
      await store.ingest(earlier, resolve, NOW);
      // An incident opened long before the deployment it names (a clock that was wrong): it makes
      // that deployment failed however far outside the lookback it opened.
      await store.ingest(
        [
          {
            ...paymentsOrigin,
            type: 'incident',
            externalId: 'i-early',
            openedAt: NOW - 90 * DAY_MS,

            causeDeploymentId: 'd-0',
          },
        ],
        resolve,
        NOW,
      );

      const read = (
        await rowsReadFrom(knex, 'dora_incidents', () =>
          store.ingest([deployment(0, NOW - HOUR_MS)], resolve, NOW),
        )
      ).map(r => r.external_id);

      // The day before's incident is the only one a fallback or its range could need.
      expect(new Set(read).size).toBeLessThanOrEqual(3);
      expect(read).not.toContain('i-30');
      expect(read).not.toContain('i-20');
      const [fact] = (
        await knex('dora_deployment_facts').where('deployment_id', 'd-0')
      ).map(factFromRow);
      expect(fact).toMatchObject({ failed: true, linkedIncidents: 1 });
      expect(fact.failureStart).toBe(NOW - 90 * DAY_MS);
    },
  );
});

describe('a regular deployment reported before a hotfix of its stream', () => {
  it.each(databases.eachSupportedId())(
    'derives again from the deployment the hotfix repaired until then, not the whole repair window (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      const deployment = (
        id: string,
        finishedAt: number,
        kind: 'regular' | 'hotfix' = 'regular',
      ) => listedDeployment(id, finishedAt, kind);
      // A regular deployment every hour for six days, then a hotfix two hours after the last.
      const earlier: NormalizedEvent[] = [];
      const last = NOW - 3 * HOUR_MS;
      for (let h = 6 * 24; h >= 0; h--) {
        earlier.push(deployment(`d-${h}`, last - h * HOUR_MS));
      }
      earlier.push(deployment('fix', last + 2 * HOUR_MS, 'hotfix'));
      await store.ingest(earlier, resolve, NOW);
      const factOf = async (id: string) =>
        factFromRow(
          await knex('dora_deployment_facts')
            .where('deployment_id', id)
            .first(),
        );
      expect(await factOf('d-0')).toMatchObject({ failed: true });

      // Reported late: it finished between the last regular deployment and the hotfix.
      const deploymentRowsRead = (
        await rowsReadFrom(knex, 'dora_deployments', () =>
          store.ingest([deployment('late', last + HOUR_MS)], resolve, NOW),
        )
      ).length;

      // The hotfix now repairs the late deployment, not the one before it.
      expect(await factOf('late')).toMatchObject({
        failed: true,
        repairedByFix: true,
      });
      expect(await factOf('d-0')).toMatchObject({ failed: false });
      // Those two, the hotfix and a few neighbours: not the 145 of the week before.
      expect(deploymentRowsRead).toBeLessThan(20);
    },
  );
});
