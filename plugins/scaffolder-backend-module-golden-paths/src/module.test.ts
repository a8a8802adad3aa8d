import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import { scaffolderModuleGoldenPaths } from './module';
import { goldenPathUpgradePermission } from './permissions';

describe('scaffolderModuleGoldenPaths', () => {
  it.each([
    [
      'local',
      {
        target: 'local',
        local: { dataDir: join(mkdtempSync(join(tmpdir(), 'gp-')), 'git') },
      },
    ],
    ['github', { target: 'github', github: { owner: 'fernhill' } }],
    ['gitlab', { target: 'gitlab', gitlab: { group: 'fernhill' } }],
  ])(
    'registers the six actions (%s publishing)',
    async (_target, publishing) => {
      const addActions = jest.fn();
      await startTestBackend({
        extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
        features: [
          scaffolderModuleGoldenPaths,
          catalogServiceMock.factory(),
          mockServices.rootConfig.factory({
            data: {
              backend: { baseUrl: 'http://localhost:7007' },
              integrations: {
                github: [{ host: 'github.com', token: 't' }],
                gitlab: [{ host: 'gitlab.com', token: 't' }],
              },
              portal: { publishing },
            },
          }),
        ],
      });
      expect(addActions.mock.calls[0].map((a: { id: string }) => a.id)).toEqual(
        [
          'portal:name:ensure-available',
          'portal:publish',
          'portal:provenance:record',
          'portal:catalog:register',
          'portal:catalog:await-entity',
          'portal:adoption:emit',
          'portal:template:upgrade',
        ],
      );
    },
  );

  it("registers the golden-path upgrade permission with the scaffolder's permission integration", async () => {
    const { server } = await startTestBackend({
      extensionPoints: [
        [scaffolderActionsExtensionPoint, { addActions: jest.fn() }],
      ],
      features: [
        scaffolderModuleGoldenPaths,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            portal: {
              publishing: {
                target: 'local',
                local: {
                  dataDir: join(mkdtempSync(join(tmpdir(), 'gp-')), 'git'),
                },
              },
            },
          },
        }),
      ],
    });
    const { port } = server.address() as AddressInfo;
    const metadata = await fetch(
      `http://localhost:${port}/api/scaffolder/.well-known/backstage/permissions/metadata`,
    );
    expect(metadata.status).toBe(200);
    expect((await metadata.json()).permissions).toContainEqual(
      goldenPathUpgradePermission,
    );
    // The shape the production policy test (permission-backend-module-portal-policy) restates:
    // an update of the component's catalog entity, so only its owners and the platform team.
    expect(goldenPathUpgradePermission).toEqual({
      type: 'resource',
      name: 'portal.golden-path.upgrade',
      attributes: { action: 'update' },
      resourceType: 'catalog-entity',
    });
  });

  it('does not start with a gitlab target and no group, naming the key', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [scaffolderActionsExtensionPoint, { addActions: jest.fn() }],
        ],
        features: [
          scaffolderModuleGoldenPaths,
          catalogServiceMock.factory(),
          mockServices.rootConfig.factory({
            data: {
              backend: { baseUrl: 'http://localhost:7007' },
              portal: { publishing: { target: 'gitlab' } },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/Missing portal.publishing.gitlab.group/);
  });
});
