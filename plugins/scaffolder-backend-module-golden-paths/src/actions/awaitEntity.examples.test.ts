import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createAwaitEntityAction } from './awaitEntity';
import { examples } from './awaitEntity.examples';

describe('portal:catalog:await-entity examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const env = await createTestEnvironment();
      try {
        const catalog = catalogServiceMock({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'orders-api', namespace: 'default' },
            },
          ],
        });
        const action = createAwaitEntityAction({ catalog });
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe(action.id);
        const ctx = env.context(step.input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('visible', true);
      } finally {
        await env.cleanup();
      }
    },
  );
});
