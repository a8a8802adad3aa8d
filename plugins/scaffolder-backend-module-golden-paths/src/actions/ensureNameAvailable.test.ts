import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConflictError } from '@backstage/errors';
import fc from 'fast-check';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { createEnsureNameAvailableAction } from './ensureNameAvailable';
import { createPortalPublishAction } from './publish';

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/payments',
  },
};

describe('portal:name:ensure-available', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  beforeEach(async () => {
    env = await createTestEnvironment();
  });
  afterEach(() => env.cleanup());

  it('passes a free name and outputs the future entity ref, repository and publishing target', async () => {
    const catalog = catalogServiceMock({ entities: [payments] });
    const action = createEnsureNameAvailableAction({
      catalog,
      publisher: env.publisher,
    });
    const ctx = env.context({ name: 'orders-api' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders-api',
    );
    // Skeletons render these before publishing, so they must match where the publisher puts it.
    expect(ctx.output).toHaveBeenCalledWith('repoSlug', 'local/orders-api');
    expect(ctx.output).toHaveBeenCalledWith(
      'repoUrl',
      env.publisher.plannedUrls('orders-api', 'main').remoteUrl,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'imageRepository',
      'ghcr.io/local/orders-api',
    );
    // The local Git host keeps the skeletons' GitHub Actions.
    expect(ctx.output).toHaveBeenCalledWith('publishingTarget', 'local');
  });

  it('plans the URLs of an existing component when re-rendering it in a dry run, and only then', async () => {
    const catalog = catalogServiceMock({ entities: [payments] });
    const action = createEnsureNameAvailableAction({
      catalog,
      publisher: env.publisher,
    });
    const dryRun = env.context(
      { name: 'payments-api', existing: true },
      { isDryRun: true },
    );
    await action.handler(dryRun);
    expect(dryRun.output).toHaveBeenCalledWith(
      'repoSlug',
      'local/payments-api',
    );
    await expect(
      action.handler(env.context({ name: 'payments-api', existing: true })),
    ).rejects.toThrow(/only allowed in dry runs/);
    await expect(
      action.handler(
        env.context({ name: 'Payments', existing: true }, { isDryRun: true }),
      ),
    ).rejects.toThrow(/Invalid name/);
  });

  it('asks the catalog with the initiator credentials', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => undefined),
    });
    const action = createEnsureNameAvailableAction({
      catalog,
      publisher: env.publisher,
    });
    const ctx = env.context({ name: 'orders-api' });
    await action.handler(ctx);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      'component:default/orders-api',
      {
        credentials: await ctx.getInitiatorCredentials(),
      },
    );
  });

  it('refuses a name taken in the catalog, naming the entity and its owner', async () => {
    const catalog = catalogServiceMock({ entities: [payments] });
    const action = createEnsureNameAvailableAction({
      catalog,
      publisher: env.publisher,
    });
    const error = await action
      .handler(env.context({ name: 'payments-api' }))
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'The name payments-api is taken: component:default/payments-api already exists in the catalog (owned by group:default/payments). Choose another name; nothing was created.',
    );
  });

  it('refuses a name taken at the publisher (also in dry runs)', async () => {
    await createPortalPublishAction({ publisher: env.publisher }).handler(
      env.context({ repoName: 'orders-api' }, { task: { id: 'earlier-task' } }),
    );
    const catalog = catalogServiceMock({ entities: [] });
    const action = createEnsureNameAvailableAction({
      catalog,
      publisher: env.publisher,
    });
    await expect(
      action.handler(env.context({ name: 'orders-api' }, { isDryRun: true })),
    ).rejects.toThrow(
      'The name orders-api is taken: a repository named orders-api already exists on the local Git host without a catalog entity (perhaps left by a failed run; the platform team can remove it). Choose another name; nothing was created.',
    );
  });

  it('lets a retried task pass the repository and entity it created itself', async () => {
    await createPortalPublishAction({ publisher: env.publisher }).handler(
      env.context({ repoName: 'orders-api' }),
    );
    const ours = {
      ...payments,
      metadata: {
        name: 'orders-api',
        namespace: 'default',
        annotations: { 'fernhill.io/scaffolder-task-id': 'mock-task-id' },
      },
    };
    const catalog = catalogServiceMock({ entities: [ours] });
    const action = createEnsureNameAvailableAction({
      catalog,
      publisher: env.publisher,
    });
    const ctx = env.context({ name: 'orders-api' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders-api',
    );
    // Another task is refused.
    await expect(
      action.handler(
        env.context({ name: 'orders-api' }, { task: { id: 'other-task' } }),
      ),
    ).rejects.toThrow(/already exists in the catalog/);
  });

  it('refuses malformed and hostile names with the rule, without asking anyone', async () => {
    const catalog = catalogServiceMock.mock({ getEntityByRef: jest.fn() });
    const publisher = {
      ...env.publisher,
      displayName: 'x',
      exists: jest.fn(),
    } as any;
    const action = createEnsureNameAvailableAction({ catalog, publisher });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom(
            '../x',
            'Orders',
            'ab',
            'a'.repeat(31),
            'x; rm -rf /',
            '1abc',
            'orders-',
            '',
          ),
        ),
        async name => {
          fc.pre(!/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(name));
          await expect(action.handler(env.context({ name }))).rejects.toThrow(
            /Invalid name .*3 to 30 characters, lowercase letters, digits and dashes, starting with a letter/,
          );
        },
      ),
    );
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
    expect(publisher.exists).not.toHaveBeenCalled();
  });
});
