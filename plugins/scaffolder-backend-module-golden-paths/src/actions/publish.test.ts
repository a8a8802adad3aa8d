import { ConflictError, InputError } from '@backstage/errors';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  createTestEnvironment,
  dataDirEntries,
} from '../__testUtils__/testEnvironment';
import { createPortalPublishAction } from './publish';

describe('portal:publish (local)', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  beforeEach(async () => {
    env = await createTestEnvironment();
  });
  afterEach(() => env.cleanup());

  it('publishes the workspace and returns URLs catalog:register and git clone use', async () => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    const ctx = env.context({ repoName: 'orders-api', description: 'Orders' });
    await action.handler(ctx);
    const base = 'http://localhost:7007/api/local-git';
    expect(ctx.output).toHaveBeenCalledWith(
      'remoteUrl',
      `${base}/orders-api/tree/main/`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'repoContentsUrl',
      `${base}/orders-api/blob/main/`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'cloneUrl',
      `${base}/orders-api.git`,
    );

    // Integration: a real git clone of what was published.
    const clone = join(env.root, 'clone');
    execFileSync('git', [
      'clone',
      '--quiet',
      env.repositories.gitDir('orders-api'),
      clone,
    ]);
    expect(
      await fs.readFile(join(clone, 'catalog-info.yaml'), 'utf8'),
    ).toContain('name: orders-api');
    expect(await fs.readFile(join(clone, 'docs/index.md'), 'utf8')).toBe(
      '# Orders\n',
    );
    const subject = execFileSync('git', [
      '-C',
      clone,
      'log',
      '-1',
      '--format=%s',
    ]).toString();
    expect(subject.trim()).toBe(
      'Initial commit from template:default/typescript-service',
    );
  });

  it('publishes only sourcePath when given', async () => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    await action.handler(
      env.context({
        repoName: 'ledger-site',
        sourcePath: 'site',
        defaultBranch: 'trunk',
      }),
    );
    const commit = await env.repositories.resolveCommit('ledger-site', 'trunk');
    expect(await env.repositories.listFiles('ledger-site', commit, '')).toEqual(
      ['index.html'],
    );
  });

  it('creates nothing in a dry run and returns the planned URLs', async () => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    const ctx = env.context({ repoName: 'orders-api' }, { isDryRun: true });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'repoContentsUrl',
      'http://localhost:7007/api/local-git/orders-api/blob/main/',
    );
    expect(await dataDirEntries(env.dataDir)).toEqual([]);
  });

  it('refuses a taken name with a ConflictError', async () => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    await action.handler(env.context({ repoName: 'orders-api' }));
    await expect(
      action.handler(
        env.context({ repoName: 'orders-api' }, { task: { id: 'other-task' } }),
      ),
    ).rejects.toThrow(ConflictError);
  });

  it('does not publish twice when a recovered task runs the step again', async () => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    const checkpoints = new Map<string, unknown>();
    const checkpoint = async ({
      key,
      fn,
    }: {
      key: string;
      fn: () => Promise<any>;
    }) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key);
    };
    await action.handler(
      env.context({ repoName: 'orders-api' }, { checkpoint }),
    );
    const first = await env.repositories.resolveCommit('orders-api');
    const again = env.context({ repoName: 'orders-api' }, { checkpoint });
    await action.handler(again);
    expect(again.output).toHaveBeenCalledWith(
      'cloneUrl',
      'http://localhost:7007/api/local-git/orders-api.git',
    );
    // Even with the checkpoint lost, the same task recognises its repository.
    const lost = env.context({ repoName: 'orders-api' });
    await action.handler(lost);
    expect(lost.output).toHaveBeenCalledWith(
      'cloneUrl',
      'http://localhost:7007/api/local-git/orders-api.git',
    );
    expect(await env.repositories.resolveCommit('orders-api')).toBe(first);
  });

  it.each([
    [{ repoName: 'Orders' }, /Invalid repoName/],
    [{ repoName: '../../etc' }, /Invalid repoName/],
    [
      { repoName: 'orders-api', defaultBranch: '--upload-pack=x' },
      /Invalid defaultBranch/,
    ],
    [{ repoName: 'orders-api', sourcePath: '../..' }, /outside/i],
    [{ repoName: 'orders-api', sourcePath: '/etc' }, /outside/i],
    [{ repoName: 'orders-api', sourcePath: 'missing' }, /Invalid sourcePath/],
    [
      { repoName: 'orders-api', sourcePath: 'docs/index.md' },
      /Invalid sourcePath/,
    ],
  ])('refuses %j before creating anything', async (input, message) => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    await expect(action.handler(env.context(input))).rejects.toThrow(message);
    expect(await dataDirEntries(env.dataDir)).toEqual([]);
  });

  it.each([
    ['a NUL character', 'docs\0'],
    ['a name too long for the file system', 'a'.repeat(10_000)],
  ])(
    'refuses a sourcePath with %s with an InputError naming the field, creating nothing',
    async (_, sourcePath) => {
      const action = createPortalPublishAction({ publisher: env.publisher });
      const refused = action.handler(
        env.context({ repoName: 'orders-api', sourcePath }),
      );
      await expect(refused).rejects.toThrow(InputError);
      await expect(refused).rejects.toThrow(/Invalid sourcePath/);
      expect(await dataDirEntries(env.dataDir)).toEqual([]);
    },
  );

  it('never creates anything outside the data folder for hostile names and paths', async () => {
    const action = createPortalPublishAction({ publisher: env.publisher });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('..', '../x', 'a/b', '.git', 'abc\0'),
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.constantFrom('..', '../../', '/tmp', 'docs/../..'),
        ),
        async (repoName, sourcePath) => {
          const ctx = env.context({ repoName, sourcePath }, { isDryRun: true });
          try {
            await action.handler(ctx);
            expect(repoName).toMatch(/^[a-z][a-z0-9-]{2,29}$/);
            expect(sourcePath).toBeUndefined();
          } catch {
            // refused
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(await dataDirEntries(env.dataDir)).toEqual([]);
    expect((await fs.readdir(env.root)).sort()).toEqual(['workspace']);
  });
});
