import {
  coreServices,
  createBackendPlugin,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import { localGitRepositoriesServiceRef } from '@internal/plugin-local-git-node';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createTestRepositories } from '../__testUtils__/testRepositories';
import { LocalGitUrlReader } from './LocalGitUrlReader';
import { localGitUrlReaderServiceFactory } from './localGitUrlReaderServiceFactory';

const base = 'http://localhost:7007/api/local-git';

describe('LocalGitUrlReader', () => {
  let env: Awaited<ReturnType<typeof createTestRepositories>>;
  let reader: UrlReaderService;

  beforeAll(async () => {
    env = await createTestRepositories(base);
    reader = UrlReaders.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
      factories: [LocalGitUrlReader.factory(env.repositories)],
    });
  });
  afterAll(() => env.cleanup());

  it('reads a file the way the catalog reads catalog-info.yaml, with blob etags', async () => {
    const url = `${base}/orders-api/blob/main/catalog-info.yaml`;
    const response = await reader.readUrl(url);
    expect((await response.buffer()).toString()).toBe(
      env.files['catalog-info.yaml'],
    );
    expect(response.etag).toMatch(/^[0-9a-f]{40}$/);
    expect(response.lastModifiedAt).toBeInstanceOf(Date);
    await expect(reader.readUrl(url, { etag: response.etag })).rejects.toThrow(
      NotModifiedError,
    );
  });

  it('reads trees for TechDocs (dir:. resolves to the blob/ folder URL)', async () => {
    const tree = await reader.readTree(`${base}/orders-api/blob/main/`);
    expect(tree.etag).toBe(env.published.commit);
    const files = await tree.files();
    expect(files.map(f => f.path).sort()).toEqual(
      Object.keys(env.files).sort(),
    );
    const again = await reader.readTree(`${base}/orders-api/blob/main/`);
    await fs.mkdir(join(env.root, 'docs-build'));
    const dir = await again.dir({ targetDir: join(env.root, 'docs-build') });
    expect(await fs.readFile(join(dir, 'mkdocs.yml'), 'utf8')).toContain(
      'site_name: orders-api',
    );
    expect(await fs.readFile(join(dir, 'docs/index.md'), 'utf8')).toBe(
      '# Orders API\n',
    );
    await expect(
      reader.readTree(`${base}/orders-api/tree/main/`, {
        etag: env.published.commit,
      }),
    ).rejects.toThrow(NotModifiedError);
  });

  it('reads a sub-tree with a filter', async () => {
    const tree = await reader.readTree(`${base}/orders-api/tree/main/docs`, {
      filter: path => path.endsWith('index.md'),
    });
    const files = await tree.files();
    expect(files.map(f => f.path)).toEqual(['index.md']);
    expect((await files[0].content()).toString()).toBe('# Orders API\n');
  });

  it('searches with globs and for single files', async () => {
    const found = await reader.search(`${base}/orders-api/blob/main/docs/*.md`);
    expect(found.files.map(f => f.url).sort()).toEqual([
      `${base}/orders-api/blob/main/docs/index.md`,
      `${base}/orders-api/blob/main/docs/runbook.md`,
    ]);
    expect((await found.files[0].content()).toString()).toMatch(/^# /);
    const all = await reader.search(
      `${base}/orders-api/blob/main/**/catalog-info.yaml`,
    );
    expect(all.files.map(f => f.url)).toEqual([
      `${base}/orders-api/blob/main/catalog-info.yaml`,
    ]);
    const single = await reader.search(
      `${base}/orders-api/blob/main/mkdocs.yml`,
    );
    expect(single.files).toHaveLength(1);
    const none = await reader.search(
      `${base}/orders-api/blob/main/nothing.yaml`,
    );
    expect(none.files).toEqual([]);
  });

  it.each([
    `${base}/orders-api/blob/main/nope.yaml`,
    `${base}/missing-repo/blob/main/catalog-info.yaml`,
    `${base}/orders-api/blob/nope/catalog-info.yaml`,
    `${base}/orders-api/blob/main/%2e%2e/%2e%2e/config`,
    `${base}/orders-api/blob/main/docs`,
  ])('answers NotFound for %s', async url => {
    await expect(reader.readUrl(url)).rejects.toThrow(NotFoundError);
  });

  it('leaves other URLs to other readers', async () => {
    await expect(
      reader.readUrl('http://localhost:7007/api/catalog/entities'),
    ).rejects.toThrow(/not allowed/i);
  });
});

describe('localGitUrlReaderServiceFactory', () => {
  it("serves readTree to another plugin's UrlReaderService", async () => {
    const env = await createTestRepositories(base);
    const seen: string[] = [];
    const consumer = createBackendPlugin({
      pluginId: 'consumer',
      register(reg) {
        reg.registerInit({
          deps: { urlReader: coreServices.urlReader },
          async init({ urlReader }) {
            const tree = await urlReader.readTree(
              `${base}/orders-api/blob/main/docs`,
            );
            for (const file of await tree.files()) seen.push(file.path);
          },
        });
      },
    });
    try {
      await startTestBackend({
        features: [
          consumer,
          localGitUrlReaderServiceFactory,
          createServiceFactory({
            service: localGitRepositoriesServiceRef,
            deps: {},
            factory: () => env.repositories,
          }),
          mockServices.rootConfig.factory({
            data: { backend: { baseUrl: 'http://localhost:7007' } },
          }),
        ],
      });
      expect(seen.sort()).toEqual(['index.md', 'runbook.md']);
    } finally {
      await env.cleanup();
    }
  });
});
