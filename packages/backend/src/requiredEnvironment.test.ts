import { resolve } from 'node:path';
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
        argv: ['node', 'packages/backend', '--config', resolve(rootDir, 'app-config.yaml')],
        env: {},
        rootDir,
      }),
    ).resolves.toEqual([]);
  });

  it('accepts the production config when every variable is set', async () => {
    await expect(
      assertEnvironmentForConfig({ argv: productionArgv, env: completeProductionEnv, rootDir }),
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
        env: { ...completeProductionEnv, GITHUB_TOKEN: '  ', POSTGRES_HOST: '' },
        rootDir,
      }),
    ).resolves.toEqual(['GITHUB_TOKEN', 'POSTGRES_HOST']);
  });
});
