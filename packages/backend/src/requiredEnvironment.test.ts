import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  completeProductionEnv,
  productionArgv,
  rootDir,
} from './testing/productionConfig';
import {
  assertEnvironmentForConfig,
  findMissingEnvironmentVariables,
} from './requiredEnvironment';

describe('required environment', () => {
  it('needs nothing for the local defaults', async () => {
    await expect(
      findMissingEnvironmentVariables({
        argv: [
          'node',
          'packages/backend',
          '--config',
          resolve(rootDir, 'app-config.yaml'),
        ],
        env: {},
        rootDir,
      }),
    ).resolves.toEqual([]);
  });

  it('accepts the production config when every variable is set', async () => {
    await expect(
      assertEnvironmentForConfig({
        argv: productionArgv,
        env: completeProductionEnv,
        rootDir,
      }),
    ).resolves.toBeUndefined();
  });

  it('names the missing variable when the production config lacks one', async () => {
    const { POSTGRES_PASSWORD: _, ...env } = completeProductionEnv;
    await expect(
      assertEnvironmentForConfig({ argv: productionArgv, env, rootDir }),
    ).rejects.toThrow(
      /^Missing required environment variable: POSTGRES_PASSWORD\. The configuration refers to it as \$\{NAME\}/,
    );
  });

  it('treats an empty or blank variable as missing and lists all of them', async () => {
    await expect(
      findMissingEnvironmentVariables({
        argv: productionArgv,
        env: {
          ...completeProductionEnv,
          GITHUB_TOKEN: '  ',
          POSTGRES_HOST: '',
        },
        rootDir,
      }),
    ).resolves.toEqual(['GITHUB_TOKEN', 'POSTGRES_HOST']);
  });

  it('leaves out variables written with a fallback, which are optional', async () => {
    const missing = await findMissingEnvironmentVariables({
      argv: productionArgv,
      env: completeProductionEnv,
      rootDir,
    });
    expect(missing).toEqual([]);
    for (const optional of [
      'PORTAL_PUBLISHING_TARGET',
      'PORTAL_GITLAB_HOST',
      'PORTAL_GITLAB_GROUP',
      'GITLAB_TOKEN',
    ]) {
      expect(missing).not.toContain(optional);
    }
  });

  it('keeps a variable required when one place uses it without a fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'required-env-'));
    const file = join(dir, 'app-config.yaml');
    writeFileSync(
      file,
      [
        'app:',
        '  title: ${TITLE:-Portal}',
        '  baseUrl: ${BASE_URL:-http://localhost:3000}',
        'backend:',
        '  baseUrl: ${BASE_URL}',
        '  escaped: $${NOT_A_VARIABLE}',
        '  listen: { port: 7007 }',
        '',
      ].join('\n'),
    );
    await expect(
      findMissingEnvironmentVariables({
        argv: ['node', 'packages/backend', '--config', file],
        env: {},
        rootDir: dir,
      }),
    ).resolves.toEqual(['BASE_URL']);
  });
});
