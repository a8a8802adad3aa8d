import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HOUR_MS } from '../domain';
import { normalizeGithubWebhook } from '../ingest/github';
import { GithubCompareClient } from '../ingest/githubCompare';
import { testEntities } from '../testUtils';
import { CatalogServiceMap } from './CatalogServiceMap';
import { DeploymentAncestry } from './DeploymentAncestry';
import { factFromRow } from './DerivedFacts';
import { DoraStore } from './DoraStore';
import { IngestService } from './IngestService';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

// The examples package is plain JSON without an ES module entry.
const examples: Array<{
  name: string;
  examples: any[];
}> = require('@octokit/webhooks-examples');

const TOKEN = 'github-api-token-for-the-fake';
const T0 = Date.parse('2026-11-02T00:00:00Z');
const at = (hour: number) => new Date(T0 + hour * HOUR_MS).toISOString();
const sha = (c: string) => c.repeat(40);
const [H0, H1, C, M] = [sha('a'), sha('b'), sha('c'), sha('d')];

/** A commit as GitHub's compare answer lists it. */
const listed = (id: string, hour: number) => ({
  sha: id,
  commit: {
    author: {
      name: 'Monalisa Octocat',
      email: 'o@example.com',
      date: at(hour),
    },
    committer: { name: 'GitHub', email: 'n@example.com', date: at(hour + 1) },
    message: `commit ${id.slice(0, 7)}`,
  },
});

/**
 * What GitHub answers to `GET /repos/Codertocat/Hello-World/compare/{base}...{head}` for the
 * history of the test: main had H0, then H1 (hour 10); C was committed at hour 0 on a branch
 * merged as M (hour 70).
 */
const comparisons: Record<string, object> = {
  [`${H0}...${H1}`]: {
    status: 'ahead',
    ahead_by: 1,
    behind_by: 0,
    total_commits: 1,
    base_commit: listed(H0, -2),
    merge_base_commit: listed(H0, -2),
    commits: [listed(H1, 10)],
    files: [],
  },
  [`${H1}...${M}`]: {
    status: 'ahead',
    ahead_by: 2,
    behind_by: 0,
    total_commits: 2,
    base_commit: listed(H1, 10),
    merge_base_commit: listed(H1, 10),
    commits: [listed(C, 0), listed(M, 70)],
    files: [],
  },
};

/** A fake of GitHub's REST API at the HTTP level, recording what it was asked. */
async function startFakeGithub(status = 200) {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    const match = /^\/repos\/Codertocat\/Hello-World\/compare\/([^?]+)/.exec(
      req.url ?? '',
    );
    const answer = match && comparisons[match[1]];
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Bad credentials' }));
    } else if (status !== 200 || !answer) {
      res.writeHead(status === 200 ? 404 : status, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ message: 'Not Found' }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** GitHub's documented successful production deployment status of `head`. */
function deployed(id: number, head: string, hour: number) {
  const p = structuredClone(
    examples.find(e => e.name === 'deployment_status')!.examples[0],
  );
  Object.assign(p.deployment, { id, sha: head, created_at: at(hour - 0.1) });
  Object.assign(p.deployment_status, { created_at: at(hour) });
  const result = normalizeGithubWebhook('deployment_status', p, {
    productionEnvironments: ['production'],
  });
  return 'events' in result ? result.events : [];
}

async function setUp(
  databaseId: Parameters<typeof databases.init>[0],
  baseUrl: string,
) {
  const knex = await databases.init(databaseId);
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  const logger = mockServices.logger.mock();
  const ingest = IngestService.create({
    store,
    serviceMap: CatalogServiceMap.create({
      catalog: { getEntities: async () => ({ items: testEntities }) } as any,
      auth: mockServices.auth(),
      logger,
    }),
    logger,
    ancestry: DeploymentAncestry.create({
      store,
      logger,
      github: GithubCompareClient.create({ token: TOKEN, baseUrl }),
    }),
  });
  return { knex, ingest, logger };
}

describe('commits of GitHub deployments from the compare API (issue 16, item 7)', () => {
  it.each(databases.eachSupportedId())(
    'counts a commit authored early but merged late from the deployment of its merge, with no push delivered, %p',
    async databaseId => {
      const github = await startFakeGithub();
      try {
        const { knex, ingest } = await setUp(databaseId, github.baseUrl);
        for (const [id, head, hour] of [
          [1, H0, -1],
          [2, H1, 49],
          [3, M, 73],
        ] as const) {
          await ingest.ingest(deployed(id, head, hour), T0 + 100 * HOUR_MS);
        }
        // Consecutive deployed SHAs were compared, with the token; the first had no base.
        expect(github.requests.map(r => r.url)).toEqual([
          `/repos/Codertocat/Hello-World/compare/${H0}...${H1}?per_page=250`,
          `/repos/Codertocat/Hello-World/compare/${H1}...${M}?per_page=250`,
        ]);
        expect(github.requests[0].headers['x-github-api-version']).toBe(
          '2022-11-28',
        );
        const facts = (await knex('dora_deployment_facts'))
          .map(factFromRow)
          .sort((a, b) => a.finishedAt - b.finishedAt);
        expect(
          facts.map(f => ({
            id: f.id,
            hours: f.leadTimesMs.map(ms => ms / HOUR_MS).sort((a, b) => a - b),
            inferred: f.inferred,
          })),
        ).toEqual([
          { id: '1', hours: [], inferred: false },
          { id: '2', hours: [39], inferred: false },
          { id: '3', hours: [3, 73], inferred: false },
        ]);
      } finally {
        await github.close();
      }
    },
  );

  it('stores the deployment when the compare API fails, and logs without the token', async () => {
    const github = await startFakeGithub(502);
    try {
      const { knex, ingest, logger } = await setUp('SQLITE_3', github.baseUrl);
      await ingest.ingest(deployed(1, H0, -1), T0 + 100 * HOUR_MS);
      await ingest.ingest(deployed(2, H1, 49), T0 + 100 * HOUR_MS);
      expect(await knex('dora_deployments').count({ n: '*' })).toEqual([
        { n: 2 },
      ]);
      const warnings = (logger.warn as jest.Mock).mock.calls.map(c =>
        String(c[0]),
      );
      expect(warnings).toEqual([expect.stringContaining('502')]);
      expect(warnings.join('\n')).not.toContain(TOKEN);
    } finally {
      await github.close();
    }
  });
});
