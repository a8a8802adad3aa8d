import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createEnsureNameAvailableAction } from './ensureNameAvailable';
import { examples } from './ensureNameAvailable.examples';

describe('portal:name:ensure-available examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const env = await createTestEnvironment();
      try {
        const action = createEnsureNameAvailableAction({
          catalog: catalogServiceMock({ entities: [] }),
          publisher: env.publisher,
        });
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe(action.id);
        const ctx = env.context(step.input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith(
          'entityRef',
          `component:default/${step.input.name}`,
        );
        expect(ctx.output).toHaveBeenCalledWith('publishingTarget', 'local');
        // Later steps of an example may only read outputs the action declares.
        const declared = Object.keys(
          (action.schema?.output?.properties as object | undefined) ?? {},
        );
        for (const [, output] of example.matchAll(
          /steps\['check-name'\]\.output\.(\w+)/g,
        )) {
          expect(declared).toContain(output);
        }
      } finally {
        await env.cleanup();
      }
    },
  );
});
