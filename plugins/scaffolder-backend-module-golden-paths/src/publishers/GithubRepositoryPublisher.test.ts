import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { startTestHttpServer } from '../__testUtils__/testHttpServer';
import { GithubRepositoryPublisher } from './GithubRepositoryPublisher';

const handler = jest.fn();
jest.mock('@backstage/plugin-scaffolder-backend-module-github', () => ({
  createPublishGithubAction: () => ({ id: 'publish:github', handler }),
}));

function publisherFor(apiBaseUrl: string) {
  const config = new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl, token: 'gh-token' }],
    },
  });
  return new GithubRepositoryPublisher({
    config,
    integrations: ScmIntegrations.fromConfig(config),
    owner: 'fernhill',
    host: 'github.com',
    repoVisibility: 'private',
  });
}

describe('GithubRepositoryPublisher', () => {
  it('asks the GitHub API whether the repository exists, with the integration token', async () => {
    const server = await startTestHttpServer(req => ({
      status: req.url === '/repos/fernhill/payments-api' ? 200 : 404,
    }));
    try {
      const publisher = publisherFor(server.url);
      expect(await publisher.exists('payments-api')).toBe(true);
      expect(await publisher.exists('orders-api')).toBe(false);
      expect(server.requests[0].headers.authorization).toBe('Bearer gh-token');
    } finally {
      await server.stop();
    }
  });

  it('reports an unexpected answer instead of guessing', async () => {
    const server = await startTestHttpServer(() => ({ status: 500 }));
    try {
      await expect(
        publisherFor(server.url).exists('orders-api'),
      ).rejects.toThrow(
        /Could not check whether fernhill\/orders-api exists on GitHub: HTTP 500/,
      );
    } finally {
      await server.stop();
    }
  });

  it("delegates to Backstage's publish:github with the configured owner", async () => {
    handler.mockImplementation(async ctx => {
      ctx.output('remoteUrl', 'https://github.com/fernhill/orders-api');
      ctx.output(
        'repoContentsUrl',
        'https://github.com/fernhill/orders-api/blob/main',
      );
      ctx.output('commitHash', 'abc');
    });
    const publisher = publisherFor('https://api.github.com');
    const ctx = createMockActionContext({ input: {} });
    const result = await publisher.publish(ctx, {
      repoName: 'orders-api',
      description: 'Orders',
      defaultBranch: 'main',
      sourcePath: '.',
    });
    expect(handler).toHaveBeenCalledWith(
      expect.objectContaining({
        workspacePath: ctx.workspacePath,
        input: {
          repoUrl: 'github.com?owner=fernhill&repo=orders-api',
          description: 'Orders',
          defaultBranch: 'main',
          sourcePath: undefined,
          repoVisibility: 'private',
        },
      }),
    );
    expect(result).toEqual({
      remoteUrl: 'https://github.com/fernhill/orders-api',
      repoContentsUrl: 'https://github.com/fernhill/orders-api/blob/main',
      cloneUrl: 'https://github.com/fernhill/orders-api.git',
    });
    expect(publisher.plannedUrls('orders-api', 'main')).toEqual(result);
  });

  it('plans the GitHub slug, the GHCR image (lowercase, as GHCR requires) and the github target', () => {
    const publisher = publisherFor('https://api.github.com');
    expect(publisher.plannedSlug('Orders-API')).toBe('fernhill/Orders-API');
    expect(publisher.plannedImageRepository('Orders-API')).toBe(
      'ghcr.io/fernhill/orders-api',
    );
    // portal:name:ensure-available outputs it; skeletons keep GitHub Actions by it.
    expect(publisher.target).toBe('github');
  });
});
