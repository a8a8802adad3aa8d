import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LocalDocsFolderPreparer,
  readDocsDir,
} from './LocalDocsFolderPreparer';

function entity(location: string, techdocsRef = 'dir:.'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'handbook',
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/techdocs-ref': techdocsRef,
      },
    },
  };
}

describe('LocalDocsFolderPreparer', () => {
  let root: string;
  const prepared: string[] = [];
  const reader = mockServices.urlReader.mock();
  const preparer = LocalDocsFolderPreparer.fromConfig(new ConfigReader({}), {
    logger: mockServices.logger.mock(),
    reader,
  });
  const prepare = async (e: Entity, etag?: string) => {
    const response = await preparer.prepare(e, { etag });
    prepared.push(response.preparedDir);
    return response;
  };

  beforeEach(async () => {
    // A repository whose root holds its docs, as the portal's own: the catalog file and mkdocs.yml
    // beside the code and its node_modules.
    root = await mkdtemp(join(tmpdir(), 'local-docs-folder-'));
    await mkdir(join(root, 'docs'));
    await mkdir(join(root, 'node_modules', 'left-pad'), { recursive: true });
    await writeFile(join(root, 'catalog-info.yaml'), 'kind: Component\n');
    await writeFile(join(root, 'mkdocs.yml'), 'site_name: Handbook\n');
    await writeFile(join(root, 'docs', 'index.md'), '# Handbook\n');
    await writeFile(join(root, 'README.md'), '# Read me\n');
    await writeFile(join(root, 'node_modules', 'left-pad', 'index.js'), '1\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    for (const dir of prepared.splice(0)) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hands the generator a copy of the config and docs only, never the rest of the folder', async () => {
    const { preparedDir, etag } = await prepare(
      entity(`file:${join(root, 'catalog-info.yaml')}`),
    );
    expect(preparedDir).not.toBe(root);
    expect((await readdir(preparedDir)).sort()).toEqual(['docs', 'mkdocs.yml']);
    expect(await readFile(join(preparedDir, 'docs', 'index.md'), 'utf8')).toBe(
      '# Handbook\n',
    );
    expect(etag).toMatch(/^local-folder-v1:[0-9a-f]{64}$/);
    expect(preparer.shouldCleanPreparedDirectory()).toBe(true);
  });

  it('reports unchanged docs as not modified, whatever else in the folder changes', async () => {
    const local = entity(`file:${join(root, 'catalog-info.yaml')}`);
    const { etag } = await prepare(local);
    await writeFile(join(root, 'node_modules', 'left-pad', 'index.js'), '2\n');
    await writeFile(join(root, 'README.md'), '# Changed\n');
    await expect(prepare(local, etag)).rejects.toMatchObject({
      name: 'NotModifiedError',
    });
  });

  it('builds again when a page or the config changes', async () => {
    const local = entity(`file:${join(root, 'catalog-info.yaml')}`);
    const first = await prepare(local);
    await writeFile(join(root, 'docs', 'index.md'), '# Handbook, revised\n');
    const second = await prepare(local, first.etag);
    expect(second.etag).not.toBe(first.etag);
    await writeFile(join(root, 'mkdocs.yml'), 'site_name: Guide\n');
    const third = await prepare(local, second.etag);
    expect(third.etag).not.toBe(second.etag);
    await writeFile(join(root, 'docs', 'new.md'), '# New\n');
    expect((await prepare(local, third.etag)).etag).not.toBe(third.etag);
  });

  it('follows the docs_dir the config names, and a dir: below the catalog file', async () => {
    await mkdir(join(root, 'handbook', 'pages'), { recursive: true });
    await writeFile(
      join(root, 'handbook', 'mkdocs.yml'),
      'site_name: Handbook\ndocs_dir: pages\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n',
    );
    await writeFile(join(root, 'handbook', 'pages', 'index.md'), '# Pages\n');
    const { preparedDir } = await prepare(
      entity(`file:${join(root, 'catalog-info.yaml')}`, 'dir:./handbook'),
    );
    expect((await readdir(preparedDir)).sort()).toEqual([
      'mkdocs.yml',
      'pages',
    ]);
    expect(await readdir(join(preparedDir, 'pages'))).toEqual(['index.md']);
  });

  it('copies a page that links to a file of the folder as that file, and refuses links leading outside it', async () => {
    await symlink('../README.md', join(root, 'docs', 'readme.md'));
    const local = entity(`file:${join(root, 'catalog-info.yaml')}`);
    const { preparedDir } = await prepare(local);
    expect(await readFile(join(preparedDir, 'docs', 'readme.md'), 'utf8')).toBe(
      '# Read me\n',
    );

    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    try {
      await writeFile(join(outside, 'secret.md'), 'secret\n');
      await symlink(
        join(outside, 'secret.md'),
        join(root, 'docs', 'secret.md'),
      );
      await expect(prepare(local)).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a dir: or docs_dir outside the folder', async () => {
    await expect(
      prepare(entity(`file:${join(root, 'catalog-info.yaml')}`, 'dir:..')),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await writeFile(join(root, 'mkdocs.yml'), 'docs_dir: ../elsewhere\n');
    await expect(
      prepare(entity(`file:${join(root, 'catalog-info.yaml')}`)),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('leaves sources of entities registered from a URL to the URL reader', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'read-tree-'));
    reader.readTree.mockResolvedValue({
      etag: 'commit-1',
      dir: async () => dir,
      files: async () => [],
      archive: async () => {
        throw new Error('not used');
      },
    });
    const response = await prepare(
      entity(
        'url:http://localhost:7007/api/local-git/orders/blob/main/catalog-info.yaml',
      ),
    );
    expect(response).toEqual({ preparedDir: dir, etag: 'commit-1' });
    expect(reader.readTree).toHaveBeenCalledWith(
      'http://localhost:7007/api/local-git/orders/blob/main/',
      { etag: undefined },
    );
  });
});

describe('readDocsDir', () => {
  it("is MkDocs' default without docs_dir", () => {
    expect(readDocsDir('site_name: Handbook\n')).toBe('docs');
    expect(readDocsDir('')).toBe('docs');
  });

  it('reads docs_dir despite tags YAML does not know', () => {
    expect(
      readDocsDir(
        'docs_dir: pages\nhooks:\n  - x\nemoji: !!python/name:material.extensions.emoji.twemoji\n',
      ),
    ).toBe('pages');
  });
});
