import { mockServices } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { AdoptionEventSender } from '../adoption';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { startTestHttpServer } from '../__testUtils__/testHttpServer';
import { createEmitAdoptionAction } from './emitAdoption';
import { examples } from './emitAdoption.examples';

describe('portal:adoption:emit examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const env = await createTestEnvironment();
      const server = await startTestHttpServer(() => ({ status: 202 }));
      try {
        const action = createEmitAdoptionAction({
          sender: new AdoptionEventSender({
            discovery: mockServices.discovery.mock({
              getBaseUrl: async (id: string) => `${server.url}/api/${id}`,
            }),
            auth: mockServices.auth(),
            logger: mockServices.logger.mock(),
          }),
        });
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe(action.id);
        const ctx = env.context(step.input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('delivered', true);
        const [event] = JSON.parse(server.requests[0].body).events;
        expect(event).toMatchObject({
          type: step.input.type,
          entityRef: step.input.entityRef,
          owner: 'group:default/payments',
          kind: step.input.kind,
        });
      } finally {
        await server.stop();
        await env.cleanup();
      }
    },
  );
});
