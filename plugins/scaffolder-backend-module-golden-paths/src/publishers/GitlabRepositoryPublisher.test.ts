import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { LocalGitRepositories } from '@internal/plugin-local-git-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startTestHttpServer } from '../__testUtils__/testHttpServer';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createEnsureNameAvailableAction } from '../actions/ensureNameAvailable';
import { createPortalPublishAction } from '../actions/publish';
import { GitlabRepositoryPublisher } from './GitlabRepositoryPublisher';
import { createRepositoryPublisher } from './createRepositoryPublisher';

const handler = jest.fn();
const factory = jest.fn();
jest.mock('@backstage/plugin-scaffolder-backend-module-gitlab', () => ({
  createPublishGitlabAction: (options: unknown) => {
    factory(options);
    return { id: 'publish:gitlab', handler };
  },
}));

function publisherFor(
  serverUrl: string,
  options: { token?: string; group?: string } = {},
) {
  const config = new ConfigReader({
    integrations: {
      gitlab: [
        {
          host: 'gitlab.fernhill.example',
          apiBaseUrl: `${serverUrl}/api/v4`,
          baseUrl: 'https://gitlab.fernhill.example',
          ...('token' in options
            ? { token: options.token }
            : { token: 'glpat-secret' }),
        },
      ],
    },
  });
  return new GitlabRepositoryPublisher({
    config,
    integrations: ScmIntegrations.fromConfig(config),
    group: options.group ?? 'platform/services',
    host: 'gitlab.fernhill.example',
    repoVisibility: 'internal',
  });
}

describe('GitlabRepositoryPublisher', () => {
  beforeEach(() => {
    handler.mockReset();
  });

  it('asks the GitLab projects API whether the project exists, with the integration token', async () => {
    const server = await startTestHttpServer(req => ({
      status:
        req.url === '/api/v4/projects/platform%2Fservices%2Fpayments-api'
          ? 200
          : 404,
    }));
    try {
      const publisher = publisherFor(server.url);
      expect(await publisher.exists('payments-api')).toBe(true);
      expect(await publisher.exists('orders-api')).toBe(false);
      expect(server.requests.map(r => r.url)).toEqual([
        '/api/v4/projects/platform%2Fservices%2Fpayments-api',
        '/api/v4/projects/platform%2Fservices%2Forders-api',
      ]);
      expect(server.requests[0].method).toBe('GET');
      expect(server.requests[0].headers.authorization).toBe(
        'Bearer glpat-secret',
      );
    } finally {
      await server.stop();
    }
  });

  it.each([401, 403])(
    'says the token was refused on HTTP %s, without showing it',
    async status => {
      const server = await startTestHttpServer(() => ({ status }));
      try {
        const promise = publisherFor(server.url).exists('orders-api');
        await expect(promise).rejects.toThrow(
          new RegExp(
            `Could not check whether platform/services/orders-api exists on GitLab: gitlab.fernhill.example refused the token of integrations.gitlab \\(HTTP ${status}\\)`,
          ),
        );
        await expect(promise).rejects.not.toThrow(/glpat-secret/);
      } finally {
        await server.stop();
      }
    },
  );

  it('reports other answers, an unreachable host and a missing token instead of guessing', async () => {
    const server = await startTestHttpServer(() => ({ status: 502 }));
    try {
      await expect(
        publisherFor(server.url).exists('orders-api'),
      ).rejects.toThrow(
        /Could not check whether platform\/services\/orders-api exists on GitLab: HTTP 502/,
      );
      await expect(
        publisherFor(server.url, { token: undefined }).exists('orders-api'),
      ).rejects.toThrow(
        /integrations.gitlab has no token for gitlab.fernhill.example/,
      );
    } finally {
      await server.stop();
    }
    // The server is gone now: nothing listens on its port.
    await expect(publisherFor(server.url).exists('orders-api')).rejects.toThrow(
      /gitlab.fernhill.example is unreachable/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('plans the group/name slug and the URLs catalog:register accepts for GitLab', () => {
    const publisher = publisherFor('http://127.0.0.1:1');
    expect(publisher.plannedSlug('orders-api')).toBe(
      'platform/services/orders-api',
    );
    expect(publisher.plannedUrls('orders-api', 'main')).toEqual({
      remoteUrl: 'https://gitlab.fernhill.example/platform/services/orders-api',
      repoContentsUrl:
        'https://gitlab.fernhill.example/platform/services/orders-api/-/blob/main',
      cloneUrl:
        'https://gitlab.fernhill.example/platform/services/orders-api.git',
    });
    // catalog:register resolves catalogInfoPath against repoContentsUrl through the integration.
    const { repoContentsUrl } = publisher.plannedUrls('orders-api', 'main');
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          gitlab: [
            {
              host: 'gitlab.fernhill.example',
              apiBaseUrl: 'https://gitlab.fernhill.example/api/v4',
            },
          ],
        },
      }),
    );
    expect(
      integrations
        .byUrl(repoContentsUrl)
        ?.resolveUrl({ base: repoContentsUrl, url: '/catalog-info.yaml' }),
    ).toBe(
      'https://gitlab.fernhill.example/platform/services/orders-api/-/blob/main/catalog-info.yaml',
    );
    expect(publisher.displayName).toBe(
      'GitLab group platform/services on gitlab.fernhill.example',
    );
  });

  it("plans the image in the project's container registry, lowercase", () => {
    expect(
      publisherFor('http://127.0.0.1:1', {
        group: 'Platform/Services',
      }).plannedImageRepository('orders-api'),
    ).toBe('registry.gitlab.fernhill.example/platform/services/orders-api');
    const config = new ConfigReader({
      integrations: {
        gitlab: [
          {
            host: 'gitlab.fernhill.example',
            apiBaseUrl: 'https://gitlab.fernhill.example/api/v4',
            token: 't',
          },
        ],
      },
    });
    expect(
      new GitlabRepositoryPublisher({
        config,
        integrations: ScmIntegrations.fromConfig(config),
        group: 'platform',
        host: 'gitlab.fernhill.example',
        repoVisibility: 'private',
        registry: 'gitlab.fernhill.example:5050',
      }).plannedImageRepository('orders-api'),
    ).toBe('gitlab.fernhill.example:5050/platform/orders-api');
  });

  it("delegates to Backstage's publish:gitlab with the configured group, branch and visibility", async () => {
    handler.mockImplementation(async ctx => {
      ctx.output(
        'remoteUrl',
        'https://gitlab.fernhill.example/platform/services/orders-api',
      );
      ctx.output(
        'repoContentsUrl',
        'https://gitlab.fernhill.example/platform/services/orders-api/-/blob/main',
      );
      ctx.output('projectId', 42);
    });
    const publisher = publisherFor('http://127.0.0.1:1');
    const ctx = createMockActionContext({ input: {} });
    const result = await publisher.publish(ctx, {
      repoName: 'orders-api',
      description: 'Orders',
      defaultBranch: 'main',
      sourcePath: '.',
    });
    expect(factory).toHaveBeenCalledWith(
      expect.objectContaining({ integrations: expect.anything() }),
    );
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(
      expect.objectContaining({
        workspacePath: ctx.workspacePath,
        input: {
          repoUrl:
            'gitlab.fernhill.example?owner=platform%2Fservices&repo=orders-api',
          defaultBranch: 'main',
          sourcePath: undefined,
          repoVisibility: 'internal',
          settings: { visibility: 'internal', description: 'Orders' },
        },
      }),
    );
    // The standard action's outputs go to publish:gitlab's private collector, not the task.
    expect(ctx.output).not.toHaveBeenCalled();
    expect(result).toEqual(publisher.plannedUrls('orders-api', 'main'));
  });

  it('publishes a sub-folder and leaves the description out when there is none', async () => {
    handler.mockImplementation(async () => {});
    const publisher = publisherFor('http://127.0.0.1:1');
    const ctx = createMockActionContext({ input: {} });
    const result = await publisher.publish(ctx, {
      repoName: 'orders-api',
      defaultBranch: 'trunk',
      sourcePath: 'service',
    });
    expect(handler.mock.calls[0][0].input).toEqual(
      expect.objectContaining({
        defaultBranch: 'trunk',
        sourcePath: 'service',
        settings: { visibility: 'internal' },
      }),
    );
    expect(result.repoContentsUrl).toBe(
      'https://gitlab.fernhill.example/platform/services/orders-api/-/blob/trunk',
    );
  });

  it('propagates a failure of publish:gitlab unchanged', async () => {
    handler.mockRejectedValue(
      new Error('The namespace platform/services is not found'),
    );
    await expect(
      publisherFor('http://127.0.0.1:1').publish(
        createMockActionContext({ input: {} }),
        { repoName: 'orders-api', defaultBranch: 'main', sourcePath: '.' },
      ),
    ).rejects.toThrow('The namespace platform/services is not found');
  });

  it('is what portal.publishing.target gitlab selects, on gitlab.com by default', () => {
    const publisher = createRepositoryPublisher({
      config: new ConfigReader({
        portal: {
          publishing: { target: 'gitlab', gitlab: { group: 'fernhill' } },
        },
        integrations: { gitlab: [{ host: 'gitlab.com', token: 't' }] },
      }),
      repositories: {} as LocalGitRepositories,
    });
    expect(publisher).toBeInstanceOf(GitlabRepositoryPublisher);
    expect(publisher.plannedUrls('orders-api', 'main').remoteUrl).toBe(
      'https://gitlab.com/fernhill/orders-api',
    );
    expect(publisher.plannedImageRepository('orders-api')).toBe(
      'registry.gitlab.com/fernhill/orders-api',
    );
  });

  it('refuses a host that integrations.gitlab does not configure', () => {
    expect(() =>
      createRepositoryPublisher({
        config: new ConfigReader({
          portal: {
            publishing: {
              target: 'gitlab',
              gitlab: { group: 'fernhill', host: 'gitlab.internal.example' },
            },
          },
        }),
        repositories: {} as LocalGitRepositories,
      }),
    ).toThrow(
      /portal.publishing.gitlab.host is gitlab.internal.example, but integrations.gitlab has no entry for that host/,
    );
  });

  describe('behind the portal actions', () => {
    let env: Awaited<ReturnType<typeof createTestEnvironment>>;
    beforeEach(async () => {
      env = await createTestEnvironment();
    });
    afterEach(() => env.cleanup());

    it('portal:name:ensure-available refuses a project taken on GitLab and renders the GitLab slug and target for a free one', async () => {
      const server = await startTestHttpServer(req => ({
        status: req.url?.endsWith('%2Fpayments-api') ? 200 : 404,
      }));
      try {
        const action = createEnsureNameAvailableAction({
          catalog: catalogServiceMock({ entities: [] }),
          publisher: publisherFor(server.url),
        });
        const error = await action
          .handler(env.context({ name: 'payments-api' }, { isDryRun: true }))
          .catch(e => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toMatch(
          /^The name payments-api is taken: a repository named payments-api already exists on GitLab group platform\/services on gitlab.fernhill.example/,
        );
        const ctx = env.context({ name: 'orders-api' });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith(
          'repoSlug',
          'platform/services/orders-api',
        );
        expect(ctx.output).toHaveBeenCalledWith(
          'repoUrl',
          'https://gitlab.fernhill.example/platform/services/orders-api',
        );
        expect(ctx.output).toHaveBeenCalledWith(
          'imageRepository',
          'registry.gitlab.fernhill.example/platform/services/orders-api',
        );
        // Skeletons keep .gitlab-ci.yml and the gitlab.com/project-slug annotation by this.
        expect(ctx.output).toHaveBeenCalledWith('publishingTarget', 'gitlab');
      } finally {
        await server.stop();
      }
    });

    it('portal:name:ensure-available stops on a refused token before anything is created', async () => {
      const server = await startTestHttpServer(() => ({ status: 401 }));
      try {
        const action = createEnsureNameAvailableAction({
          catalog: catalogServiceMock({ entities: [] }),
          publisher: publisherFor(server.url),
        });
        await expect(
          action.handler(env.context({ name: 'orders-api' })),
        ).rejects.toThrow(/refused the token of integrations.gitlab/);
        expect(handler).not.toHaveBeenCalled();
      } finally {
        await server.stop();
      }
    });

    it('portal:publish outputs the GitLab URLs, and only plans them in a dry run', async () => {
      handler.mockImplementation(async ctx => {
        ctx.output(
          'remoteUrl',
          'https://gitlab.fernhill.example/platform/services/orders-api',
        );
        ctx.output(
          'repoContentsUrl',
          'https://gitlab.fernhill.example/platform/services/orders-api/-/blob/main',
        );
      });
      const action = createPortalPublishAction({
        publisher: publisherFor('http://127.0.0.1:1'),
      });
      const dryRun = env.context(
        { repoName: 'orders-api' },
        { isDryRun: true },
      );
      await action.handler(dryRun);
      expect(handler).not.toHaveBeenCalled();
      const ctx = env.context({
        repoName: 'orders-api',
        description: 'Orders',
      });
      await action.handler(ctx);
      expect(handler).toHaveBeenCalledTimes(1);
      for (const run of [dryRun, ctx]) {
        expect(run.output).toHaveBeenCalledWith(
          'repoContentsUrl',
          'https://gitlab.fernhill.example/platform/services/orders-api/-/blob/main',
        );
        expect(run.output).toHaveBeenCalledWith(
          'cloneUrl',
          'https://gitlab.fernhill.example/platform/services/orders-api.git',
        );
      }
    });
  });
});
