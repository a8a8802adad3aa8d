import { Entity } from '@backstage/catalog-model';

/** Catalog components of the tests, claiming the sources' service keys by annotation. */
export const testEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'hello-world',
      namespace: 'default',
      annotations: {
        'github.com/project-slug': 'Codertocat/Hello-World',
        'pagerduty.com/service-id': 'PSERVICE1',
        'argocd/app-name': 'hello-world-prod',
      },
    },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
];

/**
 * A service published to GitLab: its project is the documented examples' `mike/diaspora`, written
 * with other capitals than GitLab's payloads to show the match ignores case.
 */
export const gitlabTestEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'diaspora',
    namespace: 'default',
    annotations: { 'gitlab.com/project-slug': 'Mike/Diaspora' },
  },
  spec: { type: 'service', owner: 'web', lifecycle: 'production' },
};

export const testDoraConfig = {
  sources: { deployer: { token: 'deployer-token-0123456789' } },
  github: { webhookSecret: 'github-secret-0123456789' },
  gitlab: { secretToken: 'gitlab-token-0123456789' },
  pagerduty: { webhookSecret: 'pagerduty-secret' },
  argocd: { token: 'argocd-token-0123456789' },
};
