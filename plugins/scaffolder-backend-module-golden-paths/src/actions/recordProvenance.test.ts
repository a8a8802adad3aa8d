import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import yaml from 'yaml';
import { InputError } from '@backstage/errors';
import {
  CATALOG_INFO,
  createTestEnvironment,
} from '../__testUtils__/testEnvironment';
import { createRecordProvenanceAction } from './recordProvenance';

const now = () => new Date('2026-11-22T01:30:00.000Z');

describe('portal:provenance:record', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  beforeEach(async () => {
    env = await createTestEnvironment();
  });
  afterEach(() => env.cleanup());

  const read = async (path = 'catalog-info.yaml') =>
    yaml.parse(await fs.readFile(join(env.workspacePath, path), 'utf8'));

  it.each([
    ['a NUL character', 'catalog-info.yaml\0'],
    ['a name too long for the file system', 'a'.repeat(10_000)],
  ])(
    'refuses an entityPath with %s with an InputError naming the field',
    async (_, entityPath) => {
      const action = createRecordProvenanceAction({ now });
      const refused = action.handler(env.context({ entityPath, inputs: {} }));
      await expect(refused).rejects.toThrow(InputError);
      await expect(refused).rejects.toThrow(/Invalid entityPath/);
      expect(
        await fs.readFile(join(env.workspacePath, 'catalog-info.yaml'), 'utf8'),
      ).toBe(CATALOG_INFO);
    },
  );

  it('writes the template, version, non-secret inputs, time and task id', async () => {
    const action = createRecordProvenanceAction({ now });
    const ctx = env.context({
      inputs: {
        name: 'orders-api',
        owner: 'group:default/payments',
        dbPassword: 'hunter2',
      },
    });
    await action.handler(ctx);
    const entity = await read();
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/techdocs-ref': 'dir:.',
      'backstage.io/source-template': 'template:default/typescript-service',
      'fernhill.io/template-version': '1.2.0',
      'fernhill.io/template-inputs':
        '{"name":"orders-api","owner":"group:default/payments"}',
      'fernhill.io/created-at': '2026-11-22T01:30:00.000Z',
      'fernhill.io/scaffolder-task-id': 'mock-task-id',
    });
    expect(JSON.stringify(ctx.output.mock.calls)).not.toContain('hunter2');
  });

  it('keeps the first creation time when a recovered task runs again', async () => {
    const checkpoints = new Map<string, unknown>();
    const checkpoint = async ({
      key,
      fn,
    }: {
      key: string;
      fn: () => Promise<any>;
    }) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key);
    };
    await createRecordProvenanceAction({ now }).handler(
      env.context({ inputs: {} }, { checkpoint }),
    );
    await createRecordProvenanceAction({
      now: () => new Date('2026-11-22T02:00:00.000Z'),
    }).handler(env.context({ inputs: {} }, { checkpoint }));
    expect((await read()).metadata.annotations['fernhill.io/created-at']).toBe(
      '2026-11-22T01:30:00.000Z',
    );
  });

  it('writes to another entity file and works in dry runs (the dry-run workspace only)', async () => {
    await createRecordProvenanceAction({ now }).handler(
      env.context(
        { entityPath: 'service/catalog-info.yaml', inputs: { name: 'x' } },
        { isDryRun: true },
      ),
    );
    expect(
      (await read('service/catalog-info.yaml')).metadata.annotations,
    ).toMatchObject({
      'fernhill.io/template-inputs': '{"name":"x"}',
    });
  });

  it.each([
    ['../../etc/passwd', /outside/i],
    ['/etc/passwd', /outside/i],
    ['missing.yaml', /Invalid entityPath "missing.yaml": no such file/],
    ['docs', /Invalid entityPath "docs"/],
    ['docs/index.md', /no catalog entity/],
  ])('refuses entityPath %j', async (entityPath, message) => {
    await expect(
      createRecordProvenanceAction({ now }).handler(
        env.context({ entityPath, inputs: {} }),
      ),
    ).rejects.toThrow(message);
  });
});
