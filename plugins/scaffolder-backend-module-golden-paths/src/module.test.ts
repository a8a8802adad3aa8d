import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaffolderModuleGoldenPaths } from './module';

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
