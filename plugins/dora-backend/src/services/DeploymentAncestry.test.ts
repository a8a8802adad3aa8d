import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HOUR_MS } from '../domain';
import {
  gitlabExample,
  gitlabExamples,
} from '../ingest/__fixtures__/gitlab/examples';
import { CommitRangeReader } from '../ingest/gitHost';
import { normalizeGithubWebhook } from '../ingest/github';
import { GithubCompareClient } from '../ingest/githubCompare';
import { normalizeGitlabWebhook } from '../ingest/gitlab';
import { GitlabCompareClient } from '../ingest/gitlabCompare';
import { gitlabTestEntity, testEntities } from '../testUtils';
import { CatalogServiceMap } from './CatalogServiceMap';
import { DeploymentAncestry } from './DeploymentAncestry';
import { factFromRow } from '../database/factRows';
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

/** Each deployment's lead times in hours, in deployment order, and whether commit time was used. */
async function leadTimeHours(knex: Awaited<ReturnType<typeof databases.init>>) {
  return (await knex('dora_deployment_facts'))
    .map(factFromRow)
    .sort((a, b) => a.finishedAt - b.finishedAt)
    .map(f => ({
      id: f.id,
      hours: f.leadTimesMs.map(ms => ms / HOUR_MS).sort((a, b) => a - b),
      inferred: f.inferred,
    }));
}

/**
 * The history's commits by ancestry: H1 (hour 10) ships at 49 h; C (hour 0) and its merge M
 * (hour 70) ship together at 73 h.
 */
const SHIPPED_BY_ANCESTRY = [
  { id: '1', hours: [], inferred: false },
  { id: '2', hours: [39], inferred: false },
  { id: '3', hours: [3, 73], inferred: false },
];

async function setUp(
  databaseId: Parameters<typeof databases.init>[0],
  baseUrl: string,
  readers: { github?: CommitRangeReader; gitlab?: CommitRangeReader } = {
    github: GithubCompareClient.create({ token: TOKEN, baseUrl }),
  },
) {
  const knex = await databases.init(databaseId);
  const store = await DoraStore.create({
    database: { getClient: async () => knex },
  });
  const logger = mockServices.logger.mock();
  const ingest = IngestService.create({
    store,
    serviceMap: CatalogServiceMap.create({
      catalog: {
        getEntities: async () => ({
          items: [...testEntities, gitlabTestEntity],
        }),
      } as any,
      auth: mockServices.auth(),
      logger,
    }),
    logger,
    ancestry: DeploymentAncestry.create({ store, logger, ...readers }),
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
        expect(await leadTimeHours(knex)).toEqual(SHIPPED_BY_ANCESTRY);
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

/** A commit as GitLab's API lists it (its Commit entity, docs.gitlab.com/api/commits). */
const gitlabCommit = (id: string, hour: number) => ({
  id,
  short_id: id.slice(0, 8),
  created_at: at(hour + 1),
  parent_ids: [],
  title: `commit ${id.slice(0, 7)}`,
  message: `commit ${id.slice(0, 7)}\n`,
  author_name: 'Example User',
  author_email: 'user@example.com',
  authored_date: at(hour),
  committer_name: 'Example User',
  committer_email: 'user@example.com',
  committed_date: at(hour + 1),
  web_url: `http://example.com/mike/diaspora/-/commit/${id}`,
});

/**
 * What GitLab answers to `GET /projects/mike%2Fdiaspora/repository/compare?from=..&to=..&straight=true`
 * for the same history as GitHub's above: `commit` is the last listed commit (the head), diffs are
 * left empty.
 */
const gitlabComparisons: Record<string, object> = {
  [`${H0}..${H1}`]: [gitlabCommit(H1, 10)],
  [`${H1}..${M}`]: [gitlabCommit(C, 0), gitlabCommit(M, 70)],
};

const GITLAB_TOKEN = 'glpat-read-api-token-for-the-fake';

/** A fake of GitLab's REST API (`/api/v4`) at the HTTP level, recording what it was asked. */
async function startFakeGitlab() {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    const url = new URL(req.url ?? '/', 'http://gitlab.test');
    const commits =
      url.pathname === '/api/v4/projects/mike%2Fdiaspora/repository/compare' &&
      url.searchParams.get('straight') === 'true'
        ? gitlabComparisons[
            `${url.searchParams.get('from')}..${url.searchParams.get('to')}`
          ]
        : undefined;
    if (req.headers['private-token'] !== GITLAB_TOKEN) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '401 Unauthorized' }));
    } else if (!commits) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '404 Not found' }));
    } else {
      const answer = commits as Array<{ id: string }>;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          commit: answer[answer.length - 1],
          commits: answer,
          diffs: [],
          compare_timeout: false,
          compare_same_ref: false,
          web_url: 'http://example.com/mike/diaspora/-/compare/a...b',
        }),
      );
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v4`,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** GitLab's documented Deployment Hook, reporting `head` deployed to production at `hour`. */
function gitlabDeployed(id: number, head: string, hour: number) {
  const p = gitlabExample(gitlabExamples.deployment, d => {
    Object.assign(d, {
      deployment_id: id,
      status: 'success',
      status_changed_at: at(hour),
      environment: 'production',
      environment_tier: 'production',
      project: gitlabExamples.push.project,
      commit_url: `http://example.com/mike/diaspora/-/commit/${head}`,
    });
  });
  const result = normalizeGitlabWebhook('Deployment Hook', p, {
    productionEnvironments: ['production'],
  });
  return 'events' in result ? result.events : [];
}

/**
 * GitLab's documented Push Hook listing C, H1 and M: GitLab lists a push's newest 20 commits and
 * does not say where they entered the branch, so these give commit times, not ancestry.
 */
function gitlabPushed() {
  const p = gitlabExample(gitlabExamples.push, d => {
    const template = d.commits[0];
    d.before = H0;
    d.after = M;
    d.commits = [
      [C, 0],
      [H1, 10],
      [M, 70],
    ].map(([id, hour]) => ({ ...template, id, timestamp: at(hour as number) }));
    d.total_commits_count = 3;
  });
  const result = normalizeGitlabWebhook('Push Hook', p, {
    productionEnvironments: ['production'],
  });
  return 'events' in result ? result.events : [];
}

describe('commits of GitLab deployments from the compare API (issue 16, item 7)', () => {
  it.each(databases.eachSupportedId())(
    'counts a commit authored early but merged late from the deployment of its merge, not by commit time, %p',
    async databaseId => {
      const gitlab = await startFakeGitlab();
      try {
        const { knex, ingest } = await setUp(databaseId, gitlab.baseUrl, {
          gitlab: GitlabCompareClient.create({
            token: GITLAB_TOKEN,
            baseUrl: gitlab.baseUrl,
          }),
        });
        const now = T0 + 100 * HOUR_MS;
        await ingest.ingest(gitlabPushed(), now);
        for (const [id, head, hour] of [
          [1, H0, -1],
          [2, H1, 49],
          [3, M, 73],
        ] as const) {
          await ingest.ingest(gitlabDeployed(id, head, hour), now);
        }
        // Consecutive deployed SHAs were compared straight (base..head), with the token.
        expect(gitlab.requests.map(r => r.url)).toEqual([
          `/api/v4/projects/mike%2Fdiaspora/repository/compare?from=${H0}&to=${H1}&straight=true`,
          `/api/v4/projects/mike%2Fdiaspora/repository/compare?from=${H1}&to=${M}&straight=true`,
        ]);
        // By commit time C (hour 0) would go to the deployment of H1 (49 h); by ancestry it is
        // shipped with its merge M at hour 73.
        expect(await leadTimeHours(knex)).toEqual(SHIPPED_BY_ANCESTRY);
      } finally {
        await gitlab.close();
      }
    },
  );

  it('leaves a rollback to an older SHA (GitLab lists no commits) to the other sources', async () => {
    const calls: string[] = [];
    const client = GitlabCompareClient.create({
      token: GITLAB_TOKEN,
      baseUrl: 'http://gitlab.test/api/v4',
      fetch: async input => {
        calls.push(String(input));
        return new Response(
          JSON.stringify({
            commit: null,
            commits: [],
            diffs: [],
            compare_timeout: false,
            compare_same_ref: false,
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      },
    });
    await expect(
      client.commitsBetween('group/sub/project', M, H1),
    ).resolves.toBeUndefined();
    expect(calls).toEqual([
      `http://gitlab.test/api/v4/projects/group%2Fsub%2Fproject/repository/compare?from=${M}&to=${H1}&straight=true`,
    ]);
  });
});
