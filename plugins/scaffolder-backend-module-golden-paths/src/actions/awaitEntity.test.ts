import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import fc from 'fast-check';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createAwaitEntityAction } from './awaitEntity';

const ordersApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-api', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

describe('portal:catalog:await-entity', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  beforeEach(async () => {
    env = await createTestEnvironment();
  });
  afterEach(() => env.cleanup());

  it('returns once the catalog shows the entity, asking with the initiator credentials', async () => {
    const catalog = catalogServiceMock.mock();
    // Processing takes a few polls.
    catalog.getEntityByRef
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce(undefined)
      .mockResolvedValue(ordersApi);
    const action = createAwaitEntityAction({ catalog, pollIntervalMs: 1 });
    const ctx = env.context({ entityRef: 'component:default/orders-api' });
    await action.handler(ctx);
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      'component:default/orders-api',
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(ctx.output).toHaveBeenCalledWith('visible', true);
  });

  it('reports an entity that does not appear in time without failing the task', async () => {
    const catalog = catalogServiceMock({ entities: [] });
    const action = createAwaitEntityAction({ catalog, pollIntervalMs: 1 });
    const ctx = env.context({
      entityRef: 'component:default/orders-api',
      timeoutSeconds: 1,
    });
    const warn = jest.spyOn(ctx.logger, 'warn');
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('visible', false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('component:default/orders-api was registered'),
    );
  });

  it('keeps waiting through catalog errors and reports the last one if it never appears', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef
      .mockRejectedValueOnce(new Error('503 Service Unavailable'))
      .mockResolvedValue(ordersApi);
    const action = createAwaitEntityAction({ catalog, pollIntervalMs: 1 });
    const ctx = env.context({ entityRef: 'component:default/orders-api' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('visible', true);

    const down = catalogServiceMock.mock();
    down.getEntityByRef.mockRejectedValue(new Error('connect ECONNREFUSED'));
    const waiting = env.context({
      entityRef: 'component:default/orders-api',
      timeoutSeconds: 1,
    });
    const warn = jest.spyOn(waiting.logger, 'warn');
    await createAwaitEntityAction({
      catalog: down,
      pollIntervalMs: 1,
    }).handler(waiting);
    expect(waiting.output).toHaveBeenCalledWith('visible', false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('last catalog error: connect ECONNREFUSED'),
    );
  });

  it('normalises kind:name to the default namespace', async () => {
    const catalog = catalogServiceMock({ entities: [ordersApi] });
    const action = createAwaitEntityAction({ catalog });
    const ctx = env.context({ entityRef: 'Component:orders-api' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('visible', true);
  });

  it('does not wait in a dry run', async () => {
    const catalog = catalogServiceMock.mock();
    const action = createAwaitEntityAction({ catalog });
    const ctx = env.context(
      { entityRef: 'component:default/orders-api' },
      { isDryRun: true },
    );
    await action.handler(ctx);
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('visible', false);
  });

  it('refuses refs without a kind, naming the field and the expected form', async () => {
    const catalog = catalogServiceMock.mock();
    const action = createAwaitEntityAction({ catalog });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.stringMatching(/^[a-z-]{1,20}$/),
          fc.constantFrom('', ':', ':default/x', 'default/orders-api'),
        ),
        async ref => {
          await expect(
            action.handler(env.context({ entityRef: ref })),
          ).rejects.toThrow(InputError);
          await expect(
            action.handler(env.context({ entityRef: ref })),
          ).rejects.toThrow(/Invalid entityRef .*kind:namespace\/name/);
        },
      ),
      { numRuns: 50 },
    );
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
  });
});
