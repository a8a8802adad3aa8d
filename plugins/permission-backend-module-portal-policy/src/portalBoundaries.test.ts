import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthService,
  BackstageUserInfo,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { ConfigSources } from '@backstage/config-loader';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionBackend from '@backstage/plugin-permission-backend';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import permissionModulePortalPolicy from './index';

// Item 1 and 7 of the security review, end to end: the real catalog, scaffolder and permission
// backends with the portal's policy and the catalog rules and groups of app-config.yaml.

const rootDir = resolve(__dirname, '../../..');
const PRIYA = 'user:default/priya.raman';
const CHLOE = 'user:default/chloe.dubois';

const people: Record<string, BackstageUserInfo> = {
  [PRIYA]: {
    userEntityRef: PRIYA,
    ownershipEntityRefs: [PRIYA, 'group:default/payments'],
  },
  [CHLOE]: {
    userEntityRef: CHLOE,
    ownershipEntityRefs: [CHLOE, 'group:default/platform'],
  },
};

/**
 * The mock auth service, except that a plugin calling another on a user's behalf sends a user
 * token with the plugin as actor, as the real auth service does. The mock sends a plain user
 * token, which the permission backend refuses for conditional decisions ("Direct user requests
 * without a resourceRef are not allowed"), so the catalog and scaffolder could not ask for them.
 */
const onBehalfOfAuthServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const pluginId = plugin.getId();
    const mock = mockServices.auth({ pluginId });
    const auth: AuthService = {
      authenticate: (token, options) => mock.authenticate(token, options),
      getNoneCredentials: () => mock.getNoneCredentials(),
      getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
      isPrincipal: ((credentials, type) =>
        mock.isPrincipal(credentials, type)) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials => mock.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => mock.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const { onBehalfOf } = options;
        if (mock.isPrincipal(onBehalfOf, 'user')) {
          return {
            token: mockCredentials.user.token(
              onBehalfOf.principal.userEntityRef,
              { actor: { subject: `plugin:${pluginId}` } },
            ),
          };
        }
        return mock.getPluginRequestToken(options);
      },
    };
    return auth;
  },
});

function template(name: string, owner: string) {
  return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
  title: ${name}
spec:
  owner: ${owner}
  type: service
  parameters: []
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: hello
`;
}

async function appConfig() {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({
      argv: ['node', 'x', '--config', resolve(rootDir, 'app-config.yaml')],
      rootDir,
      substitutionFunc: async () => undefined,
    }),
  );
  const values = {
    rules: config.get('catalog.rules'),
    permissions: config.get('portal.permissions'),
  };
  config.close();
  return values;
}

describe('the portal boundaries, through the catalog, scaffolder and permission backends', () => {
  let server: Parameters<typeof request>[0];
  let dir: string;

  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  beforeAll(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'portal-boundaries-'));
    await fs.mkdir(join(dir, 'templates', 'platform-path'), {
      recursive: true,
    });
    await fs.mkdir(join(dir, 'templates', 'payments-path'), {
      recursive: true,
    });
    await fs.mkdir(join(dir, 'elsewhere'), { recursive: true });
    await fs.writeFile(
      join(dir, 'templates', 'platform-path', 'template.yaml'),
      template('platform-path', 'group:default/platform'),
    );
    await fs.writeFile(
      join(dir, 'templates', 'payments-path', 'template.yaml'),
      template('payments-path', 'group:default/payments'),
    );
    // A Template in a catalog file that is not one of the template locations, owned (it says)
    // by the platform team; and an ordinary catalog file beside it.
    await fs.writeFile(
      join(dir, 'elsewhere', 'template.yaml'),
      template('smuggled-path', 'group:default/platform'),
    );
    await fs.writeFile(
      join(dir, 'elsewhere', 'catalog-info.yaml'),
      `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: elsewhere
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
`,
    );
    const { rules, permissions } = await appConfig();

    const backend = await startTestBackend({
      features: [
        catalogBackend,
        catalogModuleScaffolderEntityModel,
        scaffolderBackend,
        permissionBackend,
        permissionModulePortalPolicy,
        permissionsServiceFactory,
        onBehalfOfAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            portal: { permissions },
            catalog: {
              rules,
              processingInterval: { seconds: 1 },
              locations: [
                {
                  type: 'file',
                  target: join(dir, 'templates/*/template.yaml'),
                  rules: [{ allow: ['Template'] }],
                },
                {
                  type: 'file',
                  target: join(dir, 'elsewhere/template.yaml'),
                },
                {
                  type: 'file',
                  target: join(dir, 'elsewhere/catalog-info.yaml'),
                },
              ],
            },
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async credentials =>
            people[
              (credentials.principal as { userEntityRef: string }).userEntityRef
            ],
        }).factory,
      ],
    });
    server = backend.server as Parameters<typeof request>[0];

    // Wait until the catalog has processed both locations.
    for (let i = 0; i < 200; i++) {
      const [templateRes, componentRes] = await Promise.all([
        request(server)
          .get('/api/catalog/entities/by-name/template/default/payments-path')
          .set(as(CHLOE)),
        request(server)
          .get('/api/catalog/entities/by-name/component/default/elsewhere')
          .set(as(CHLOE)),
      ]);
      if (templateRes.status === 200 && componentRes.status === 200) {
        return;
      }
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the catalog did not process the test locations');
  }, 60_000);

  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('takes Templates only from the template locations, whoever the file says owns them', async () => {
    // Both elsewhere files were processed in the same round as the component's; look a few
    // more times in case the template's file came last.
    for (let i = 0; i < 10; i++) {
      const smuggled = await request(server)
        .get('/api/catalog/entities/by-name/template/default/smuggled-path')
        .set(as(CHLOE));
      expect(smuggled.status).toBe(404);
      await new Promise(r => setTimeout(r, 200));
    }
  });

  it('refuses location registration and analysis to everyone but the platform team', async () => {
    const location = {
      type: 'url',
      target:
        'https://github.com/fernhill/private-repo/blob/main/catalog-info.yaml',
    };
    const register = await request(server)
      .post('/api/catalog/locations')
      .set(as(PRIYA))
      .send(location);
    expect(register.status).toBe(403);
    const analyze = await request(server)
      .post('/api/catalog/analyze-location')
      .set(as(PRIYA))
      .send({ location });
    expect(analyze.status).toBe(403);
  });

  it('refuses inline dry runs to everyone but the platform team', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set(as(PRIYA))
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'inline' },
          spec: {
            type: 'service',
            steps: [
              {
                id: 'read',
                action: 'fetch:plain',
                input: { url: 'https://github.com/fernhill/private-repo' },
              },
            ],
          },
        },
        values: {},
        directoryContents: [],
      });
    expect(res.status).toBe(403);
  });

  it('shows and runs for others only the templates the platform team owns', async () => {
    const list = await request(server)
      .get('/api/catalog/entities/by-query?filter=kind=template')
      .set(as(PRIYA));
    expect(list.status).toBe(200);
    expect(
      list.body.items.map(
        (e: { metadata: { name: string } }) => e.metadata.name,
      ),
    ).toEqual(['platform-path']);

    const run = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set(as(PRIYA))
      .send({ templateRef: 'template:default/payments-path', values: {} });
    expect(run.status).toBe(404);

    // The platform team sees both.
    const platformList = await request(server)
      .get('/api/catalog/entities/by-query?filter=kind=template')
      .set(as(CHLOE));
    expect(
      platformList.body.items
        .map((e: { metadata: { name: string } }) => e.metadata.name)
        .sort(),
    ).toEqual(['payments-path', 'platform-path']);
  });

  it("keeps a user's scaffolder tasks (inputs, logs, outputs) from other users, but not from the platform team", async () => {
    const create = (user: string) =>
      request(server)
        .post('/api/scaffolder/v2/tasks')
        .set(as(user))
        .send({ templateRef: 'template:default/platform-path', values: {} });
    const chloesTask = await create(CHLOE);
    expect(chloesTask.status).toBe(201);
    const priyasTask = await create(PRIYA);
    expect(priyasTask.status).toBe(201);

    const read = await request(server)
      .get(`/api/scaffolder/v2/tasks/${chloesTask.body.id}`)
      .set(as(PRIYA));
    expect(read.status).toBe(403);
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${chloesTask.body.id}/events`)
      .set(as(PRIYA));
    expect(events.status).toBe(403);
    const cancel = await request(server)
      .post(`/api/scaffolder/v2/tasks/${chloesTask.body.id}/cancel`)
      .set(as(PRIYA));
    expect(cancel.status).toBe(403);
    const listed = await request(server)
      .get('/api/scaffolder/v2/tasks')
      .set(as(PRIYA));
    expect(listed.body.tasks.map((t: { id: string }) => t.id)).toEqual([
      priyasTask.body.id,
    ]);

    const own = await request(server)
      .get(`/api/scaffolder/v2/tasks/${priyasTask.body.id}`)
      .set(as(PRIYA));
    expect(own.status).toBe(200);
    const byPlatform = await request(server)
      .get(`/api/scaffolder/v2/tasks/${priyasTask.body.id}`)
      .set(as(CHLOE));
    expect(byPlatform.status).toBe(200);
  });
});
