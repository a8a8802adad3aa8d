import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import yaml from 'yaml';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createTemplateUpgradeAction } from './upgrade';
import { examples } from './upgrade.examples';

describe('portal:template:upgrade examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const env = await createTestEnvironment();
      try {
        const action = createTemplateUpgradeAction({
          catalog: catalogServiceMock({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: {
                  name: 'orders-api',
                  namespace: 'default',
                  annotations: {
                    'backstage.io/source-template':
                      'template:default/go-service',
                    'fernhill.io/template-version': '2.0.0',
                    'fernhill.io/template-inputs': '{"name":"orders-api"}',
                  },
                },
                spec: { owner: 'group:default/payments' },
              },
              {
                apiVersion: 'scaffolder.backstage.io/v1beta3',
                kind: 'Template',
                metadata: {
                  name: 'go-service',
                  namespace: 'default',
                  annotations: { 'fernhill.io/template-version': '2.0.0' },
                },
                spec: {},
              },
            ],
          }),
          permissions: mockServices.permissions.mock({
            authorize: async requests =>
              requests.map(() => ({ result: AuthorizeResult.ALLOW })),
          }),
          renderer: { render: async () => [] },
          publisher: { target: 'local', displayName: 'the local Git host' },
          repositories: env.repositories,
        });
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe(action.id);
        const entityRef = step.input.entityRef.includes('${{')
          ? 'component:default/orders-api'
          : step.input.entityRef;
        const ctx = env.context({ entityRef });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('upToDate', true);
      } finally {
        await env.cleanup();
      }
    },
  );
});
