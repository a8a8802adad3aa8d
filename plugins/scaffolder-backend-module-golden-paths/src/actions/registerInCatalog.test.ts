import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
import {
  CATALOG_INFO,
  createTestEnvironment,
} from '../__testUtils__/testEnvironment';
import { createPortalPublishAction } from './publish';
import { createRegisterInCatalogAction } from './registerInCatalog';
import { examples } from './registerInCatalog.examples';

// The local Git host's integration entry, as in app-config.yaml.
const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      bitbucketServer: [
        {
          host: 'localhost:7007',
          apiBaseUrl: 'http://localhost:7007/api/local-git',
        },
      ],
    },
  }),
);
const CATALOG_INFO_URL =
  'http://localhost:7007/api/local-git/orders-api/blob/main/catalog-info.yaml';

function recordingCatalog() {
  const catalog = catalogServiceMock.mock({
    addLocation: jest.fn(async (location: { dryRun?: boolean }) => ({
      location: {
        id: 'l1',
        type: 'url',
        target: CATALOG_INFO_URL,
        entityRef: 'location:default/generated-orders-api',
      },
      entities: location.dryRun ? [yaml.parse(CATALOG_INFO)] : [],
    })),
  });
  return catalog;
}

describe('portal:catalog:register', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  beforeEach(async () => {
    env = await createTestEnvironment();
  });
  afterEach(() => env.cleanup());

  async function publish(taskId: string) {
    const ctx = env.context(
      { repoName: 'orders-api' },
      { task: { id: taskId } },
    );
    await createPortalPublishAction({ publisher: env.publisher }).handler(ctx);
  }

  function action(catalog = recordingCatalog()) {
    return createRegisterInCatalogAction({
      publisher: env.publisher,
      catalog,
      auth: mockServices.auth(),
      integrations,
    });
  }

  it("registers the published repository's catalog-info.yaml with the scaffolder's own identity, not the initiator's", async () => {
    await publish('task-1');
    const catalog = recordingCatalog();
    const ctx = env.context(
      { repoName: 'orders-api' },
      { task: { id: 'task-1' } },
    );
    await action(catalog).handler(ctx);

    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'url', target: CATALOG_INFO_URL },
      {
        credentials: expect.objectContaining({
          principal: { type: 'service', subject: 'plugin:test' },
        }),
      },
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders-api',
    );
    expect(ctx.output).toHaveBeenCalledWith('catalogInfoUrl', CATALOG_INFO_URL);
  });

  it('refuses a repository another task published, and one that does not exist', async () => {
    await publish('task-1');
    const catalog = recordingCatalog();
    await expect(
      action(catalog).handler(
        env.context({ repoName: 'orders-api' }, { task: { id: 'task-2' } }),
      ),
    ).rejects.toThrow(
      "Repository 'orders-api' was created by another scaffolder task",
    );
    await expect(
      action(catalog).handler(
        env.context({ repoName: 'billing-api' }, { task: { id: 'task-2' } }),
      ),
    ).rejects.toThrow("repoName 'billing-api' is not a repository");
    await expect(
      action(catalog).handler(
        env.context(
          { repoName: '../../etc/passwd' },
          { task: { id: 'task-2' } },
        ),
      ),
    ).rejects.toThrow(/repoName/);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('treats a location registered by an earlier run of the task as done', async () => {
    await publish('task-1');
    const catalog = recordingCatalog();
    catalog.addLocation.mockImplementationOnce(async () => {
      throw new ConflictError('Location already exists');
    });
    const ctx = env.context(
      { repoName: 'orders-api' },
      { task: { id: 'task-1' } },
    );
    await action(catalog).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders-api',
    );
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'example: %s',
    async (_d, example) => {
      await publish('task-1');
      const step = yaml.parse(example).steps[0];
      const registerAction = action();
      expect(step.action).toBe(registerAction.id);
      const ctx = env.context(step.input, { task: { id: 'task-1' } });
      await registerAction.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith(
        'catalogInfoUrl',
        CATALOG_INFO_URL,
      );
    },
  );
});
