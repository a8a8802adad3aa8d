import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import yaml from 'yaml';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createRecordProvenanceAction } from './recordProvenance';
import { examples } from './recordProvenance.examples';

describe('portal:provenance:record examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const env = await createTestEnvironment();
      try {
        const action = createRecordProvenanceAction();
        const step = yaml.parse(example).steps[0];
        expect(step.action).toBe(action.id);
        await action.handler(env.context(step.input));
        const file = join(
          env.workspacePath,
          step.input.entityPath ?? 'catalog-info.yaml',
        );
        const annotations = yaml.parse(await fs.readFile(file, 'utf8')).metadata
          .annotations;
        expect(annotations['backstage.io/source-template']).toBe(
          'template:default/typescript-service',
        );
        const recorded = JSON.parse(annotations['fernhill.io/template-inputs']);
        expect(recorded.name).toBe(step.input.inputs.name);
        expect(recorded).not.toHaveProperty('apiToken');
      } finally {
        await env.cleanup();
      }
    },
  );
});
