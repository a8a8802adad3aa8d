import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, promises as fs, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitRepositories } from './LocalGitRepositories';

async function writeTree(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await fs.mkdir(join(root, path, '..'), { recursive: true });
    await fs.writeFile(join(root, path), content);
  }
}

describe('LocalGitRepositories', () => {
  let root: string;
  let dataDir: string;
  let workspace: string;
  let repositories: LocalGitRepositories;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'local-git-'));
    dataDir = join(root, 'git');
    workspace = join(root, 'workspace');
    await writeTree(workspace, {
      'catalog-info.yaml': 'kind: Component\n',
      'docs/index.md': '# Docs\n',
      'src/index.ts': 'export {};\n',
      '.gitignore': 'node_modules/\n',
      'node_modules/left-pad/index.js': 'module.exports = 1;\n',
    });
    repositories = LocalGitRepositories.create({
      config: {
        dataDir,
        baseUrl: 'http://localhost:7007/api/local-git',
        author: { name: 'Portal', email: 'portal@example' },
      },
      logger: mockServices.logger.mock(),
    });
  });

  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('publishes a workspace that git can clone, honouring .gitignore', async () => {
    const result = await repositories.publish({
      name: 'orders-api',
      sourceDir: workspace,
      description: 'Orders',
      taskId: 'task-1',
      author: { name: 'Priya Raman', email: 'priya@example' },
    });
    expect(result).toEqual({
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      defaultBranch: 'main',
      remoteUrl: 'http://localhost:7007/api/local-git/orders-api/tree/main/',
      repoContentsUrl:
        'http://localhost:7007/api/local-git/orders-api/blob/main/',
      cloneUrl: 'http://localhost:7007/api/local-git/orders-api.git',
    });
    const clone = join(root, 'clone');
    execFileSync('git', [
      'clone',
      '--quiet',
      repositories.gitDir('orders-api'),
      clone,
    ]);
    expect(await fs.readFile(join(clone, 'docs/index.md'), 'utf8')).toBe(
      '# Docs\n',
    );
    await expect(fs.stat(join(clone, 'node_modules'))).rejects.toThrow();
    const log = execFileSync('git', [
      '-C',
      clone,
      'log',
      '--format=%an <%ae>|%s',
    ]).toString();
    expect(log.trim()).toBe('Priya Raman <priya@example>|Initial commit');
    expect(await repositories.createdByTask('orders-api')).toBe('task-1');
    expect(await repositories.list()).toEqual(['orders-api']);
    // No temporary folders are left behind.
    expect(readdirSync(dataDir)).toEqual(['orders-api.git']);
  });

  it('reads files, listings and archives', async () => {
    const { commit } = await repositories.publish({
      name: 'orders-api',
      sourceDir: workspace,
    });
    expect(await repositories.resolveCommit('orders-api', 'main')).toBe(commit);
    expect(await repositories.resolveCommit('orders-api')).toBe(commit);
    expect(await repositories.defaultBranch('orders-api')).toBe('main');
    expect(
      (
        await repositories.readFile('orders-api', commit, 'docs/index.md')
      ).content.toString(),
    ).toBe('# Docs\n');
    expect(await repositories.listDirectory('orders-api', commit, '')).toEqual([
      { name: 'docs', type: 'tree' },
      { name: 'src', type: 'tree' },
      { name: '.gitignore', type: 'blob', size: 14 },
      { name: 'catalog-info.yaml', type: 'blob', size: 16 },
    ]);
    expect(
      (await repositories.listFiles('orders-api', commit, '')).sort(),
    ).toEqual([
      '.gitignore',
      'catalog-info.yaml',
      'docs/index.md',
      'src/index.ts',
    ]);
    expect(await repositories.stat('orders-api', commit, 'docs')).toMatchObject(
      { type: 'tree' },
    );
    await expect(
      repositories.stat('orders-api', commit, 'nope'),
    ).rejects.toThrow(NotFoundError);
    await expect(
      repositories.readFile('orders-api', commit, 'docs'),
    ).rejects.toThrow(InputError);
    await expect(
      repositories.resolveCommit('orders-api', 'trunk'),
    ).rejects.toThrow(NotFoundError);
    await expect(repositories.resolveCommit('missing-repo')).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      repositories.readFile('orders-api', commit, '../../etc/passwd'),
    ).rejects.toThrow(InputError);

    const chunks: Buffer[] = [];
    for await (const chunk of await repositories.archive(
      'orders-api',
      commit,
      'docs',
    )) {
      chunks.push(chunk as Buffer);
    }
    const tar = Buffer.concat(chunks);
    // A tar whose first entry is index.md at the archive's root.
    expect(tar.subarray(0, 100).toString('utf8').replace(/\0+$/, '')).toBe(
      'index.md',
    );
  });

  it('refuses a taken name with a ConflictError and leaves the first repository intact', async () => {
    const first = await repositories.publish({
      name: 'orders-api',
      sourceDir: workspace,
    });
    await expect(
      repositories.publish({ name: 'orders-api', sourceDir: workspace }),
    ).rejects.toThrow(ConflictError);
    expect(await repositories.resolveCommit('orders-api')).toBe(first.commit);
  });

  it('lets exactly one of several concurrent publishes of one name win', async () => {
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(i =>
        repositories.publish({
          name: 'orders-api',
          sourceDir: workspace,
          taskId: `task-${i}`,
        }),
      ),
    );
    const fulfilled = results.filter(r => r.status === 'fulfilled');
    const rejected = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(3);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    expect(readdirSync(dataDir)).toEqual(['orders-api.git']);
  });

  it('refuses invalid names and branches before touching the disk', async () => {
    await expect(
      repositories.publish({ name: '../escape', sourceDir: workspace }),
    ).rejects.toThrow(/Invalid repoName/);
    await expect(
      repositories.publish({
        name: 'orders-api',
        sourceDir: workspace,
        defaultBranch: '--bare',
      }),
    ).rejects.toThrow(/Invalid defaultBranch/);
    await expect(fs.stat(dataDir)).rejects.toThrow();
  });

  it('publishes an empty workspace as an empty first commit on the requested branch', async () => {
    const empty = join(root, 'empty');
    await fs.mkdir(empty);
    const result = await repositories.publish({
      name: 'empty-repo',
      sourceDir: empty,
      defaultBranch: 'trunk',
    });
    expect(result.repoContentsUrl).toMatch(/\/empty-repo\/blob\/trunk\/$/);
    expect(
      await repositories.listDirectory('empty-repo', result.commit, ''),
    ).toEqual([]);
  });

  it('removes only abandoned temporary folders once they are old', async () => {
    await repositories.publish({ name: 'orders-api', sourceDir: workspace });
    await fs.mkdir(join(dataDir, '.incoming-abc123'));
    const now = new Date(Date.now() + 2 * 60 * 60 * 1000);
    expect(
      await repositories.removeAbandonedPublishes(3 * 60 * 60 * 1000, now),
    ).toBe(0);
    expect(
      await repositories.removeAbandonedPublishes(60 * 60 * 1000, now),
    ).toBe(1);
    expect(readdirSync(dataDir)).toEqual(['orders-api.git']);
  });

  describe('commitToBranch', () => {
    it('proposes files on a branch over the default branch, keeping files it does not mention', async () => {
      await repositories.publish({ name: 'orders', sourceDir: workspace });
      const proposal = join(root, 'proposal');
      await writeTree(proposal, {
        'docs/index.md': '# Docs, upgraded\n',
        'chart/values.yaml': 'image: {}\n',
      });
      const result = await repositories.commitToBranch({
        name: 'orders',
        branch: 'golden-path-2.1.0',
        sourceDir: proposal,
        message: 'Upgrade to 2.1.0',
      });
      expect(result).toMatchObject({
        branch: 'golden-path-2.1.0',
        changed: true,
      });
      expect(
        await repositories.changedPaths('orders', 'main', 'golden-path-2.1.0'),
      ).toEqual(['chart/values.yaml', 'docs/index.md']);
      const read = async (path: string) =>
        (
          await repositories.readFile('orders', result.commit, path)
        ).content.toString('utf8');
      expect(await read('docs/index.md')).toBe('# Docs, upgraded\n');
      expect(await read('src/index.ts')).toBe('export {};\n');
      // main itself is untouched, and a clone sees the branch (dumb HTTP needs info/refs).
      expect(
        (
          await repositories.readFile('orders', 'main', 'docs/index.md')
        ).content.toString('utf8'),
      ).toBe('# Docs\n');
      const refs = await fs.readFile(
        join(dataDir, 'orders.git', 'info', 'refs'),
        'utf8',
      );
      expect(refs).toContain('refs/heads/golden-path-2.1.0');

      // The same proposal again changes nothing; an unchanged tree makes no branch commit.
      const again = await repositories.commitToBranch({
        name: 'orders',
        branch: 'golden-path-2.1.0',
        sourceDir: proposal,
        message: 'Upgrade to 2.1.0',
      });
      expect(again.commit).toBe(result.commit);
      const same = join(root, 'same');
      await writeTree(same, { 'docs/index.md': '# Docs\n' });
      const nothing = await repositories.commitToBranch({
        name: 'orders',
        branch: 'golden-path-2.1.1',
        sourceDir: same,
        message: 'Nothing',
      });
      expect(nothing.changed).toBe(false);
      await expect(
        repositories.resolveCommit('orders', 'golden-path-2.1.1'),
      ).rejects.toThrow(NotFoundError);
    });

    it('removes the paths it is told to remove, and nothing when one is also proposed', async () => {
      await repositories.publish({ name: 'orders', sourceDir: workspace });
      const proposal = join(root, 'proposal');
      await writeTree(proposal, { 'docs/index.md': '# Docs, upgraded\n' });
      const result = await repositories.commitToBranch({
        name: 'orders',
        branch: 'golden-path-2.1.0',
        sourceDir: proposal,
        removePaths: ['src/index.ts', 'never/there.md'],
        message: 'Upgrade to 2.1.0',
      });
      expect(result.changed).toBe(true);
      expect(
        await repositories.changedPaths('orders', 'main', 'golden-path-2.1.0'),
      ).toEqual(['docs/index.md', 'src/index.ts']);
      await expect(
        repositories.readFile('orders', 'golden-path-2.1.0', 'src/index.ts'),
      ).rejects.toThrow(NotFoundError);

      // Only removals: an empty proposal folder.
      const empty = join(root, 'empty');
      await fs.mkdir(empty);
      const removal = await repositories.commitToBranch({
        name: 'orders',
        branch: 'golden-path-2.2.0',
        sourceDir: empty,
        removePaths: ['catalog-info.yaml'],
        message: 'Upgrade to 2.2.0',
      });
      expect(
        await repositories.changedPaths('orders', 'main', removal.commit),
      ).toEqual(['catalog-info.yaml']);

      for (const removePaths of [['docs/index.md'], ['../outside'], ['']]) {
        await expect(
          repositories.commitToBranch({
            name: 'orders',
            branch: 'golden-path-2.3.0',
            sourceDir: proposal,
            removePaths,
            message: 'x',
          }),
        ).rejects.toThrow(InputError);
      }
      await expect(
        repositories.resolveCommit('orders', 'golden-path-2.3.0'),
      ).rejects.toThrow(NotFoundError);
    });

    it('lists the history of a branch oldest first, with parents and subjects', async () => {
      const published = await repositories.publish({
        name: 'orders',
        sourceDir: workspace,
        message: 'Initial commit from template:default/go-service',
      });
      const proposal = join(root, 'proposal');
      await writeTree(proposal, { 'docs/index.md': '# Docs, upgraded\n' });
      const next = await repositories.commitToBranch({
        name: 'orders',
        branch: 'main',
        sourceDir: proposal,
        message: 'Upgrade docs\n\nWith a body.',
      });
      expect(await repositories.log('orders', 'main')).toEqual([
        {
          commit: published.commit,
          parents: [],
          subject: 'Initial commit from template:default/go-service',
        },
        {
          commit: next.commit,
          parents: [published.commit],
          subject: 'Upgrade docs',
        },
      ]);
      await expect(repositories.log('orders', 'nope')).rejects.toThrow(
        NotFoundError,
      );
    });

    it('refuses a branch name with a slash and a missing repository', async () => {
      await repositories.publish({ name: 'orders', sourceDir: workspace });
      await expect(
        repositories.commitToBranch({
          name: 'orders',
          branch: 'golden-path/2.1.0',
          sourceDir: workspace,
          message: 'x',
        }),
      ).rejects.toThrow(InputError);
      await expect(
        repositories.commitToBranch({
          name: 'missing',
          branch: 'golden-path-2.1.0',
          sourceDir: workspace,
          message: 'x',
        }),
      ).rejects.toThrow(NotFoundError);
    });
  });
});
