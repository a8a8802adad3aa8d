import { resolve } from 'node:path';
import {
  assertEnvironmentForConfig,
  findMissingEnvironmentVariables,
} from './requiredEnvironment';

const rootDir = resolve(__dirname, '../../..');
const productionArgv = [
  'node',
  'packages/backend',
  '--config',
  resolve(rootDir, 'app-config.yaml'),
  '--config',
  resolve(rootDir, 'app-config.production.yaml'),
];

const completeProductionEnv = {
  PORTAL_BASE_URL: 'https://portal.fernhill.example',
  POSTGRES_HOST: 'db',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'not-a-real-password',
  AUTH_SESSION_SECRET: 'not-a-real-secret',
  AUTH_GITHUB_CLIENT_ID: 'client-id',
  AUTH_GITHUB_CLIENT_SECRET: 'client-secret',
  GITHUB_TOKEN: 'token',
  KUBERNETES_CLUSTER_NAME: 'prod-eu-1',
  KUBERNETES_API_URL: 'https://k8s.fernhill.example',
  KUBERNETES_SERVICE_ACCOUNT_TOKEN: 'sa-token',
  KUBERNETES_CA_DATA: 'Y2E=',
};

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
