import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { AdoptionEventSender } from '../adoption';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { startTestHttpServer } from '../__testUtils__/testHttpServer';
import { createEmitAdoptionAction } from './emitAdoption';

const now = () => new Date('2026-11-22T01:00:30.000Z');

function senderFor(baseUrl: string) {
  return new AdoptionEventSender({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async (pluginId: string) => `${baseUrl}/api/${pluginId}`,
    }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    timeoutMs: 2000,
  });
}

describe('portal:adoption:emit', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  beforeEach(async () => {
    env = await createTestEnvironment();
  });
  afterEach(() => env.cleanup());

  it('posts the contract event with service credentials for the adoption plugin', async () => {
    const server = await startTestHttpServer(() => ({ status: 202 }));
    try {
      const action = createEmitAdoptionAction({
        sender: senderFor(server.url),
        now,
      });
      const ctx = env.context({
        type: 'template-run',
        entityRef: 'orders-api',
        owner: 'payments',
        kind: 'service',
        requestedAt: '2026-11-22T01:00:00.000Z',
      });
      await action.handler(ctx);
      expect(server.requests).toHaveLength(1);
      const [req] = server.requests;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/api/adoption/events');
      expect(req.headers.authorization).toMatch(/^Bearer .+/);
      expect(req.headers.authorization).toContain('adoption');
      expect(JSON.parse(req.body)).toEqual({
        events: [
          {
            id: 'mock-task-id:template-run',
            type: 'template-run',
            occurredAt: '2026-11-22T01:00:30.000Z',
            templateRef: 'template:default/typescript-service',
            templateVersion: '1.2.0',
            taskId: 'mock-task-id',
            entityRef: 'component:default/orders-api',
            owner: 'group:default/payments',
            kind: 'service',
            requestedAt: '2026-11-22T01:00:00.000Z',
            readyAt: '2026-11-22T01:00:30.000Z',
            status: 'completed',
            durationMs: 30000,
          },
        ],
      });
      expect(ctx.output).toHaveBeenCalledWith(
        'eventId',
        'mock-task-id:template-run',
      );
      expect(ctx.output).toHaveBeenCalledWith('delivered', true);
    } finally {
      await server.stop();
    }
  });

  it.each([
    ['absent (404)', 404],
    ['failing (500)', 500],
  ])(
    'warns and succeeds when the adoption plugin is %s',
    async (_label, status) => {
      const server = await startTestHttpServer(() => ({ status }));
      try {
        const action = createEmitAdoptionAction({
          sender: senderFor(server.url),
          now,
        });
        const ctx = env.context({ type: 'self-service', kind: 'database' });
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('delivered', false);
      } finally {
        await server.stop();
      }
    },
  );

  it('refuses a malformed entityRef or owner with an InputError naming the field, posting nothing', async () => {
    const server = await startTestHttpServer(() => ({ status: 202 }));
    try {
      const action = createEmitAdoptionAction({
        sender: senderFor(server.url),
        now,
      });
      for (const [input, field] of [
        [{ entityRef: 'component:' }, 'entityRef'],
        [{ entityRef: ':orders-api' }, 'entityRef'],
        [{ owner: 'group:default/' }, 'owner'],
      ] as const) {
        const refused = action.handler(
          env.context({ type: 'template-run', ...input }),
        );
        await expect(refused).rejects.toThrow(InputError);
        await expect(refused).rejects.toThrow(`Invalid ${field}`);
      }
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });

  it('warns and succeeds when the adoption plugin is unreachable', async () => {
    const server = await startTestHttpServer(() => ({ status: 200 }));
    await server.stop();
    const action = createEmitAdoptionAction({
      sender: senderFor(server.url),
      now,
    });
    const ctx = env.context({ type: 'template-run' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('delivered', false);
  });

  it('posts nothing in a dry run', async () => {
    const server = await startTestHttpServer(() => ({ status: 202 }));
    try {
      const action = createEmitAdoptionAction({
        sender: senderFor(server.url),
        now,
      });
      const ctx = env.context({ type: 'template-run' }, { isDryRun: true });
      await action.handler(ctx);
      expect(server.requests).toHaveLength(0);
      expect(ctx.output).toHaveBeenCalledWith('delivered', false);
    } finally {
      await server.stop();
    }
  });

  it('does not post twice for a recovered task', async () => {
    const server = await startTestHttpServer(() => ({ status: 202 }));
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
    try {
      const action = createEmitAdoptionAction({
        sender: senderFor(server.url),
        now,
      });
      await action.handler(
        env.context({ type: 'template-run' }, { checkpoint }),
      );
      await action.handler(
        env.context({ type: 'template-run' }, { checkpoint }),
      );
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
