import yaml from 'yaml';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createPortalPublishAction } from './publish';
import { examples } from './publish.examples';

describe('portal:publish examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const env = await createTestEnvironment();
      try {
        const action = createPortalPublishAction({ publisher: env.publisher });
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe(action.id);
        const ctx = env.context(step.input);
        await action.handler(ctx);
        const branch = step.input.defaultBranch ?? 'main';
        expect(ctx.output).toHaveBeenCalledWith(
          'repoContentsUrl',
          `http://localhost:7007/api/local-git/${step.input.repoName}/blob/${branch}/`,
        );
        expect(
          await env.repositories.resolveCommit(step.input.repoName, branch),
        ).toMatch(/^[0-9a-f]{40}$/);
      } finally {
        await env.cleanup();
      }
    },
  );
});
