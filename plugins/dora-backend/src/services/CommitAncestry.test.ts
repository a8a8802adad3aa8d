import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { HOUR_MS } from '../domain';
import { normalizeGithubWebhook } from '../ingest/github';
import { factFromRow } from '../database/factRows';
import { DoraStore } from './DoraStore';
import { NormalizedEvent } from '../domain/events';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

// The examples package is plain JSON without an ES module entry.
const examples: Array<{
  name: string;
  examples: any[];
}> = require('@octokit/webhooks-examples');

const example = (name: string, pick: (e: any) => boolean = () => true) =>
  structuredClone(examples.find(e => e.name === name)!.examples.find(pick));

const REPOSITORY = 'Codertocat/Hello-World';
const resolve = (_type: string, key: string) =>
  key === REPOSITORY ? 'component:default/hello-world' : null;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const at = (hour: number) => new Date(T0 + hour * HOUR_MS).toISOString();
const sha = (c: string) => c.repeat(40);
const [H0, H1, C, M] = [sha('a'), sha('b'), sha('c'), sha('d')];

/** GitHub's documented push to the default branch, with these before, after and commits. */
function push(before: string, after: string, commits: Array<[string, number]>) {
  const p = example('push', e => e.ref === 'refs/heads/master');
  Object.assign(p, { before, after, created: false, forced: false });
  p.commits = commits.map(([id, hour]) => ({
    ...p.head_commit,
    id,
    tree_id: id,
    timestamp: at(hour),
  }));
  p.head_commit = p.commits[p.commits.length - 1];
  return normalizeGithubWebhook('push', p, {
    productionEnvironments: ['production'],
  });
}

/** GitHub's documented successful production deployment status of `head`. */
function deployed(id: number, head: string, hour: number) {
  const p = example('deployment_status');
  Object.assign(p.deployment, { id, sha: head, created_at: at(hour - 0.1) });
  Object.assign(p.deployment_status, { created_at: at(hour) });
  return normalizeGithubWebhook('deployment_status', p, {
    productionEnvironments: ['production'],
  });
}

const eventsOf = (result: ReturnType<typeof normalizeGithubWebhook>) =>
  'events' in result ? result.events : [];

/**
 * Main had H0 (hour -2, deployed at hour -1) and gets H1 (hour 10, deployed at hour 49). C was
 * committed on a feature branch at hour 0 and merged late: the push H1..M lists C and the merge
 * commit M (hour 70), deployed at hour 73. C ships with M: 73 h, not 49 h as its commit time
 * (earlier than H1's) would say.
 */
const history: NormalizedEvent[][] = [
  eventsOf(push(sha('0'), H0, [[H0, -2]])),
  eventsOf(deployed(1, H0, -1)),
  eventsOf(push(H0, H1, [[H1, 10]])),
  eventsOf(deployed(2, H1, 49)),
  eventsOf(
    push(H1, M, [
      [C, 0],
      [M, 70],
    ]),
  ),
  eventsOf(deployed(3, M, 73)),
];

async function leadHours(knex: Knex) {
  const facts = (await knex('dora_deployment_facts')).map(factFromRow);
  return Object.fromEntries(
    facts
      .sort((a, b) => a.finishedAt - b.finishedAt)
      .map(f => [
        f.id,
        {
          hours: f.leadTimesMs.map(ms => ms / HOUR_MS).sort((a, b) => a - b),
          inferred: f.inferred,
        },
      ]),
  );
}

describe('commits assigned to deployments by ancestry (issue 16, item 7)', () => {
  it('keeps where a GitHub push says each commit entered the branch', () => {
    const [c, m] = eventsOf(
      push(H1, M, [
        [C, 0],
        [M, 70],
      ]),
    );
    expect(c).toMatchObject({
      sha: C,
      pushed: { before: H1, head: M, index: 0 },
    });
    expect(m).toMatchObject({
      sha: M,
      pushed: { before: H1, head: M, index: 1 },
    });
    // A forced push's commits do not descend from its `before`: no ancestry from it.
    const forced = example('push', e => e.ref === 'refs/heads/master');
    Object.assign(forced, { before: H1, after: M, forced: true });
    forced.commits = [{ ...forced.head_commit, id: M, timestamp: at(70) }];
    expect(
      eventsOf(
        normalizeGithubWebhook('push', forced, {
          productionEnvironments: ['production'],
        }),
      )[0],
    ).not.toHaveProperty('pushed');
  });

  it.each(databases.eachSupportedId())(
    'attributes a commit authored early but merged late to the deployment of its merge (73 h, not 49 h), in any delivery order, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DoraStore.create({
        database: { getClient: async () => knex },
      });
      const expected = {
        '1': { hours: [1], inferred: false },
        '2': { hours: [39], inferred: false },
        '3': { hours: [3, 73], inferred: false },
      };
      for (const batch of history) {
        await store.ingest(batch, resolve, T0 + 100 * HOUR_MS);
      }
      expect(await leadHours(knex)).toEqual(expected);

      // Deployments first, pushes last (and one redelivered): the same facts.
      await knex('dora_changes').delete();
      await knex('dora_deployments').delete();
      await knex('dora_deployment_shas').delete();
      await knex('dora_deployment_facts').delete();
      for (const batch of [
        history[5],
        history[3],
        history[1],
        history[4],
        history[2],
        history[0],
        history[4],
      ]) {
        await store.ingest(batch, resolve, T0 + 100 * HOUR_MS);
      }
      expect(await leadHours(knex)).toEqual(expected);
      await store.rebuildAll();
      expect(await leadHours(knex)).toEqual(expected);
    },
  );
});
