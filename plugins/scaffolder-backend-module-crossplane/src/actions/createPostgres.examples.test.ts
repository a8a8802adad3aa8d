import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createCrossplanePostgresAction } from './createPostgres';
import { examples } from './createPostgres.examples';
import {
  READY_STATUS,
  startTestControlPlane,
} from '../__testUtils__/testControlPlane';

// Runs the examples against a real local control plane: 30 s like the other integration tests.
jest.setTimeout(30_000);

describe('crossplane:postgres:create examples', () => {
  let env: Awaited<ReturnType<typeof startTestControlPlane>>;
  beforeAll(async () => {
    env = await startTestControlPlane();
  });
  afterAll(() => env?.stop());

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_description, example) => {
      const action = createCrossplanePostgresAction({
        provisioning: env.provisioning,
      });
      const step = yaml.parse(example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = createMockActionContext({ input: step.input });
      await Promise.all([
        action.handler(ctx),
        env.setStatus(step.input.name, READY_STATUS),
      ]);
      expect(ctx.output).toHaveBeenCalledWith(
        'secretName',
        `${step.input.name}-connection`,
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'ready',
        step.input.waitForReady !== false,
      );
      expect(await env.xrNames()).toContain(step.input.name);
    },
  );
});
