import { ConfigSources } from '@backstage/config-loader';
import { readGoldenPathsPublishingConfig } from '@internal/plugin-scaffolder-backend-module-golden-paths';
import {
  completeProductionEnv,
  productionArgv,
  rootDir,
} from './testing/productionConfig';

async function loadProductionConfig(
  env: Record<string, string> = completeProductionEnv,
) {
  const source = ConfigSources.default({
    argv: productionArgv,
    env,
    rootDir,
    substitutionFunc: async name => env[name],
  });
  return ConfigSources.toConfig(source);
}

describe('app-config.production.yaml on top of app-config.yaml', () => {
  it('switches guest sign-in off and offers GitHub only', async () => {
    const config = await loadProductionConfig();
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getOptional('auth.providers.guest')).toBeUndefined();
    expect(config.getOptional('auth.providers.demo-platform')).toBeUndefined();
    expect(
      config.getOptional('auth.providers.demo-leadership'),
    ).toBeUndefined();
    expect(config.getString('auth.providers.github.production.clientId')).toBe(
      'client-id',
    );
    expect(config.getStringArray('app.signIn.providers')).toEqual(['github']);
    config.close();
  });

  it('uses PostgreSQL, the permission framework and the real cluster', async () => {
    const config = await loadProductionConfig();
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.getString('backend.database.connection.host')).toBe('db');
    expect(config.getBoolean('permission.enabled')).toBe(true);
    const clusters = config
      .getConfigArray('kubernetes.clusterLocatorMethods')[0]
      .getConfigArray('clusters');
    expect(clusters.map(c => c.getString('url'))).toEqual([
      'https://k8s.fernhill.example',
    ]);
    config.close();
  });

  it('gives the Kubernetes plugin its own read-only account, not the one that writes databases', async () => {
    const config = await loadProductionConfig();
    const [cluster] = config
      .getConfigArray('kubernetes.clusterLocatorMethods')[0]
      .getConfigArray('clusters');
    expect(cluster.getString('serviceAccountToken')).toBe(
      'plugin-reader-token',
    );
    expect(config.getString('crossplane.cluster.token')).toBe('sa-token');
    config.close();
  });

  it('publishes golden paths to GitHub, without the local Git host', async () => {
    const config = await loadProductionConfig();
    expect(config.getString('portal.publishing.target')).toBe('github');
    expect(config.getString('portal.publishing.github.owner')).toBe('fernhill');
    expect(config.getOptional('integrations.bitbucketServer')).toBeUndefined();
    config.close();
  });

  it('publishes to GitLab instead when PORTAL_PUBLISHING_TARGET says so, with no other change', async () => {
    const byDefault = await loadProductionConfig();
    expect(readGoldenPathsPublishingConfig(byDefault)).toEqual({
      target: 'github',
      github: {
        owner: 'fernhill',
        host: 'github.com',
        repoVisibility: 'private',
      },
    });
    expect(byDefault.getConfigArray('integrations.gitlab')[0].get()).toEqual({
      host: 'gitlab.com',
      apiBaseUrl: 'https://gitlab.com/api/v4',
    });
    byDefault.close();

    const gitlab = await loadProductionConfig({
      ...completeProductionEnv,
      PORTAL_PUBLISHING_TARGET: 'gitlab',
      PORTAL_GITLAB_HOST: 'gitlab.fernhill.example',
      PORTAL_GITLAB_GROUP: 'platform/services',
      GITLAB_TOKEN: 'glpat-token',
    });
    expect(readGoldenPathsPublishingConfig(gitlab)).toEqual({
      target: 'gitlab',
      gitlab: {
        group: 'platform/services',
        host: 'gitlab.fernhill.example',
        repoVisibility: 'private',
      },
    });
    expect(gitlab.getConfigArray('integrations.gitlab')[0].get()).toEqual({
      host: 'gitlab.fernhill.example',
      apiBaseUrl: 'https://gitlab.fernhill.example/api/v4',
      token: 'glpat-token',
    });
    gitlab.close();

    const noGroup = await loadProductionConfig({
      ...completeProductionEnv,
      PORTAL_PUBLISHING_TARGET: 'gitlab',
    });
    expect(() => readGoldenPathsPublishingConfig(noGroup)).toThrow(
      /Missing portal.publishing.gitlab.group/,
    );
    noGroup.close();
  });

  it('seeds no DORA demo history and accepts no local token', async () => {
    const config = await loadProductionConfig();
    expect(config.getBoolean('dora.demoData')).toBe(false);
    expect(config.getOptionalConfig('dora.sources')?.keys() ?? []).toEqual([]);
    expect(config.getString('dora.github.webhookSecret')).toBe(
      'not-a-real-webhook-secret',
    );
    expect(config.getBoolean('adoption.demoData')).toBe(false);
    // GitLab webhooks are optional: without their secret the section is empty (the route is off).
    expect(config.getOptionalString('dora.gitlab.secretToken')).toBeUndefined();
    config.close();

    const withGitlab = await loadProductionConfig({
      ...completeProductionEnv,
      DORA_GITLAB_WEBHOOK_SECRET: 'not-a-real-gitlab-token',
    });
    expect(withGitlab.getString('dora.gitlab.secretToken')).toBe(
      'not-a-real-gitlab-token',
    );
    withGitlab.close();
  });

  it('keeps the demo organisation out', async () => {
    const config = await loadProductionConfig();
    const targets = config
      .getConfigArray('catalog.locations')
      .map(l => l.getString('target'));
    expect(targets.some(t => t.includes('demo/'))).toBe(false);
    config.close();
  });
});
