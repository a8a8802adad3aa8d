import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { resolve } from 'node:path';

/** Test fixtures describing a complete production start-up. */
export const rootDir = resolve(resolvePackagePath('backend'), '../..');
export const productionArgv = [
  'node',
  'packages/backend',
  '--config',
  resolve(rootDir, 'app-config.yaml'),
  '--config',
  resolve(rootDir, 'app-config.production.yaml'),
];

export const completeProductionEnv = {
  PORTAL_BASE_URL: 'https://portal.fernhill.example',
  POSTGRES_HOST: 'db',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'not-a-real-password',
  AUTH_SESSION_SECRET: 'not-a-real-secret',
  AUTH_GITHUB_CLIENT_ID: 'client-id',
  AUTH_GITHUB_CLIENT_SECRET: 'client-secret',
  GITHUB_TOKEN: 'token',
  PORTAL_GITHUB_ORG: 'fernhill',
  KUBERNETES_CLUSTER_NAME: 'prod-eu-1',
  KUBERNETES_API_URL: 'https://k8s.fernhill.example',
  KUBERNETES_SERVICE_ACCOUNT_TOKEN: 'sa-token',
  KUBERNETES_PLUGIN_SERVICE_ACCOUNT_TOKEN: 'plugin-reader-token',
  KUBERNETES_CA_DATA: 'Y2E=',
  ADOPTION_ANALYTICS_SALT: 'not-a-real-salt-0123456789',
  DORA_GITHUB_WEBHOOK_SECRET: 'not-a-real-webhook-secret',
};
