import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_ADMIN_TOKEN,
  KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER,
  LocalControlPlane,
  PORTAL_SERVICE_ACCOUNT_USER,
  startLocalControlPlane,
} from '@internal/local-control-plane';
import { createPostgresProvisioningServiceFactory } from '@internal/plugin-crossplane-node';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import yaml from 'yaml';
import {
  GOLDEN_PATH_GITLAB_JOBS,
  gitlabCiProblems,
  parseGitlabCi,
} from './gitlabCi';
import {
  databaseProblems,
  imageTagProblems,
  kubernetesTabProblems,
  runAsNonRootProblems,
} from './deployability';
import { githubWorkflowProblems } from './githubWorkflow';
import {
  argoHelmSource,
  BASE_API_VERSIONS,
  renderHelmChart,
} from './helmChart';
import { kubernetesSchemaProblems } from './kubernetesSchema';
import {
  actionsOf,
  directoryContents,
  GoldenPathTemplate,
  listTemplateDirs,
  loadTemplate,
  writeDirectoryContents,
} from './templates';

// The template test command's heart: every template against the portal's real scaffolder (the
// scaffolder backend with the same scaffolder modules as packages/backend), the real local
// control plane for the database step, and a catalog holding the demo organisation.

const repoRoot = resolve(__dirname, '../../..');
const templatesDir = join(repoRoot, 'templates');
const run = promisify(execFile);

/** The scaffolder modules the portal's backend installs; a test below keeps the two in step. */
const SCAFFOLDER_MODULES = [
  '@backstage/plugin-scaffolder-backend-module-github',
  '@backstage/plugin-scaffolder-backend-module-notifications',
  '@internal/plugin-scaffolder-backend-module-crossplane',
  '@internal/plugin-scaffolder-backend-module-golden-paths',
];

const USER = 'user:default/priya.raman';
const PORTAL_TOKEN = 'golden-path-templates-test';
/** The Kubernetes tab's own read-only account, as app-config.yaml configures the plugin. */
const KUBERNETES_TAB_TOKEN = 'golden-path-templates-kubernetes-tab';

/** The recorded inputs of the demo service created at an older golden path. */
const LEDGER = {
  name: 'ledger-api',
  owner: 'group:default/payments',
  description: 'Keeps the ledger of every payment.',
  system: 'system:default/checkout',
  database: false,
};

/** The port of the portal scaffolder under test, for the calls it makes to itself. */
let scaffolderPort = 0;

const group = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});
const catalogEntities = [
  group('payments'),
  group('catalog'),
  group('platform'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'priya.raman', namespace: 'default' },
    spec: { memberOf: ['payments', 'catalog'] },
  },
  ...['checkout', 'product-catalog'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner: 'payments' },
  })),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  },
  // Golden paths as the catalog reads them from templates/ (file locations).
  ...['go-service', 'upgrade-golden-path'].map(name => {
    const file = join(templatesDir, name, 'template.yaml');
    const entity = yaml.parse(require('node:fs').readFileSync(file, 'utf8'));
    entity.metadata.namespace = 'default';
    entity.metadata.annotations[
      'backstage.io/managed-by-location'
    ] = `file:${file}`;
    return entity;
  }),
  // A service created by go-service 1.0.0 on the local Git host (upgrade-golden-path's test values).
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: LEDGER.name,
      namespace: 'default',
      annotations: {
        'backstage.io/source-template': 'template:default/go-service',
        'fernhill.io/template-version': '1.0.0',
        'fernhill.io/template-inputs': JSON.stringify(LEDGER),
        'backstage.io/managed-by-location': `url:http://localhost:7007/api/local-git/${LEDGER.name}/blob/main/catalog-info.yaml`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  },
];

/** The files of a dry run's result, by path. */
function renderedFiles(response: { body: any }): Map<string, string> {
  return new Map(
    response.body.directoryContents.map((f: any) => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
}

/** Nothing left unrendered outside the files copied as they are. */
function expectFullyRendered(files: Map<string, string>) {
  for (const [path, text] of files) {
    if (path.startsWith('.github/') || path.startsWith('chart/templates/')) {
      continue;
    }
    expect({ path, leftover: /\$\{\{|\{%/.test(text) }).toEqual({
      path,
      leftover: false,
    });
  }
}

/** The first lines of a Go skeleton's go.mod (module path, blank line, Go version). */
const goModHeader = (files: Map<string, string>) =>
  files.get('go.mod')?.split('\n').slice(0, 3);
const annotationsOf = (files: Map<string, string>) =>
  yaml.parse(files.get('catalog-info.yaml')!).metadata.annotations;
const imageRepositoryOf = (files: Map<string, string>) =>
  yaml.parse(files.get('chart/values.yaml')!).image.repository;
const docsText = (files: Map<string, string>) =>
  [...files]
    .filter(([path]) => path.startsWith('docs/'))
    .map(([, text]) => text)
    .join('\n');

/** A repository published to GitHub or the local Git host: GitHub Actions, GitHub annotation. */
function expectGithubActionsOnly(files: Map<string, string>, slug: string) {
  const workflow = files.get('.github/workflows/ci.yaml');
  // Copied without templating: GitHub's own expressions survive.
  expect(workflow).toContain('${{ github.sha }}');
  expect(yaml.parse(workflow!).jobs).toHaveProperty('image');
  expect(files.has('.gitlab-ci.yml')).toBe(false);
  const annotations = annotationsOf(files);
  expect(annotations['github.com/project-slug']).toBe(slug);
  expect(annotations).not.toHaveProperty(['gitlab.com/project-slug']);
  expect(imageRepositoryOf(files)).toBe(`ghcr.io/${slug}`);
  expect(docsText(files)).toContain('.github/workflows/ci.yaml');
  expect(docsText(files)).not.toContain('.gitlab-ci.yml');
  expect(goModHeader(files)).toEqual(
    files.has('go.mod')
      ? [`module github.com/${slug}`, '', 'go 1.24']
      : undefined,
  );
}

/** Files go-service 1.0.0 rendered that today's version does not: unchanged, then changed. */
const LEDGER_STALE_FILES = [
  'deploy/argocd/preview.yaml',
  'observability/alerts.yaml',
];

/**
 * The ledger-api repository as go-service 1.0.0 left it: today's rendering for its recorded
 * inputs, with the 1.0.0 version recorded, an older main.go and two files today's version no
 * longer renders, committed as portal:publish does; then the team's own commit, which adds
 * handlers.go and changes one of those two files. On the local Git host.
 */
async function publishLedgerAt100(options: {
  server: any;
  goService: GoldenPathTemplate;
  workDir: string;
}) {
  const { server, goService, workDir } = options;
  const dataDir = join(workDir, 'git');
  const response = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header(USER))
    .send({
      // ledger-api is taken in the catalog: render as the upgrade does (existing: true).
      template: {
        ...goService.entity,
        spec: {
          ...goService.entity.spec,
          steps: goService.entity.spec.steps.map(step =>
            step.action === 'portal:name:ensure-available'
              ? { ...step, input: { ...step.input, existing: true } }
              : step,
          ),
        },
      },
      values: LEDGER,
      directoryContents: await directoryContents(goService.dir),
    });
  expect(response.status).toBe(200);
  const source = join(workDir, 'ledger-api-1.0.0');
  await writeDirectoryContents(source, response.body.directoryContents);
  const catalogInfo = join(source, 'catalog-info.yaml');
  await fs.writeFile(
    catalogInfo,
    (
      await fs.readFile(catalogInfo, 'utf8')
    ).replace(
      /fernhill.io\/template-version: .*/,
      'fernhill.io/template-version: 1.0.0',
    ),
  );
  await fs.writeFile(join(source, 'main.go'), 'package main // 1.0.0\n');
  for (const stale of LEDGER_STALE_FILES) {
    await fs.mkdir(join(source, stale, '..'), { recursive: true });
    await fs.writeFile(join(source, stale), `# go-service 1.0.0\n`);
  }
  const gitDir = join(dataDir, 'ledger-api.git');
  await fs.mkdir(dataDir, { recursive: true });
  const git = (...args: string[]) =>
    run('git', [`--git-dir=${gitDir}`, `--work-tree=${source}`, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example',
      },
    });
  await run('git', [
    'init',
    '--quiet',
    '--bare',
    '--initial-branch=main',
    gitDir,
  ]);
  await git('add', '--all', '--', '.');
  await git(
    'commit',
    '--quiet',
    '-m',
    'Initial commit from template:default/go-service',
  );
  await fs.writeFile(
    join(source, 'handlers.go'),
    "package main // the team's code\n",
  );
  await fs.appendFile(
    join(source, LEDGER_STALE_FILES[1]),
    '# tuned by the team\n',
  );
  await git('add', '--all', '--', '.');
  await git('commit', '--quiet', '-m', 'Ledger handlers, tuned alerts');
}

jest.setTimeout(180_000);

describe('golden-path templates on the portal scaffolder', () => {
  let templates: GoldenPathTemplate[];
  let plane: LocalControlPlane;
  let server: any;
  let workDir: string;
  let stopBackend: () => Promise<void>;

  /**
   * The portal's scaffolder (the modules of packages/backend) on the demo catalog and the local
   * control plane, publishing where `publishing` says.
   */
  const startPortalScaffolder = (publishing: Record<string, unknown>) =>
    startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            ...publishing,
            crossplane: {
              cluster: {
                url: plane.url,
                token: PORTAL_TOKEN,
                skipTLSVerify: true,
              },
              teamNamespaces: {
                payments: 'team-payments',
                catalog: 'team-catalog',
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: catalogEntities }),
        // portal:template:upgrade renders through the scaffolder's own dry-run endpoint.
        mockServices.discovery.mock({
          getBaseUrl: async id =>
            `http://localhost:${scaffolderPort}/api/${id}`,
          getExternalBaseUrl: async id =>
            `http://localhost:${scaffolderPort}/api/${id}`,
        }).factory,
        // The demo user belongs to Payments and Catalog, as in demo/org.yaml.
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: USER,
            ownershipEntityRefs: [
              USER,
              'group:default/payments',
              'group:default/catalog',
            ],
          }),
        }).factory,
        createPostgresProvisioningServiceFactory({
          maxAttempts: 1,
        }),
        // Jest runs without ESM support, so the features are required rather than import()ed.
        ...['@backstage/plugin-scaffolder-backend', ...SCAFFOLDER_MODULES].map(
          name => require(name).default,
        ),
      ],
    });

  beforeAll(async () => {
    templates = await Promise.all(
      (await listTemplateDirs(templatesDir)).map(loadTemplate),
    );
    workDir = await fs.mkdtemp(join(tmpdir(), 'golden-path-templates-'));
    plane = await startLocalControlPlane({
      port: 0,
      postgres: false,
      tokens: [
        { token: PORTAL_TOKEN, user: PORTAL_SERVICE_ACCOUNT_USER },
        {
          token: KUBERNETES_TAB_TOKEN,
          user: KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER,
        },
        {
          token: DEFAULT_ADMIN_TOKEN,
          user: 'admin',
          groups: ['system:masters'],
        },
      ],
    });
    const backend = await startPortalScaffolder({
      portal: {
        publishing: {
          target: 'local',
          local: { dataDir: join(workDir, 'git') },
        },
      },
    });
    server = backend.server;
    stopBackend = () => backend.stop();
    scaffolderPort = (backend.server.address() as AddressInfo).port;
    await publishLedgerAt100({
      server,
      goService: templates.find(t => t.name === 'go-service')!,
      workDir,
    });
  });

  afterAll(async () => {
    await stopBackend?.();
    await plane?.stop();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const dryRun = async (
    template: GoldenPathTemplate,
    values: Record<string, unknown> = template.testValues,
    scaffolder: any = server,
  ) =>
    request(scaffolder)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header(USER))
      .send({
        template: template.entity,
        values,
        directoryContents: await directoryContents(template.dir),
      });
  const byName = (name: string) => templates.find(t => t.name === name)!;

  it('uses the same scaffolder modules as the portal backend', async () => {
    const source = await fs.readFile(
      join(repoRoot, 'packages/backend/src/index.ts'),
      'utf8',
    );
    const installed = [
      ...source.matchAll(/import\('([^']*scaffolder-backend-module-[^']*)'\)/g),
    ].map(m => m[1]);
    expect(installed.sort()).toEqual([...SCAFFOLDER_MODULES].sort());
  });

  it('every action a template names is installed', async () => {
    const response = await request(server)
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', mockCredentials.user.header(USER));
    expect(response.status).toBe(200);
    const installed = new Set(response.body.map((a: { id: string }) => a.id));
    for (const template of templates) {
      const missing = actionsOf(template.entity).filter(a => !installed.has(a));
      expect({ template: template.name, missing }).toEqual({
        template: template.name,
        missing: [],
      });
    }
  });

  it('every template dry-runs with its test values', async () => {
    for (const template of templates) {
      const response = await dryRun(template);
      const failed = (response.body.log ?? [])
        .map((l: any) => l.body)
        .filter((b: any) => b.status === 'failed');
      expect({
        template: template.name,
        status: response.status,
        failed,
        error: response.body.error?.message,
      }).toEqual({
        template: template.name,
        status: 200,
        failed: [],
        error: undefined,
      });
      // Templates without a skeleton of their own (such as request-postgres-database) stop here.
      if (
        !template.entity.spec.steps.some(s => s.action === 'fetch:template')
      ) {
        continue;
      }
      const files = renderedFiles(response);
      // The rendered entity: owner, system and provenance from this run.
      const entity = yaml.parse(files.get('catalog-info.yaml')!);
      const values = template.testValues as Record<string, string>;
      expect(entity.metadata.name).toBe(values.name);
      expect(entity.spec.owner).toBe(values.owner);
      expect(`system:default/${entity.spec.system}`).toBe(values.system);
      expect(entity.metadata.annotations).toMatchObject({
        'backstage.io/techdocs-ref': 'dir:.',
        'backstage.io/kubernetes-id': values.name,
        'github.com/project-slug': `local/${values.name}`,
        'fernhill.io/template-version':
          template.entity.metadata.annotations!['fernhill.io/template-version'],
      });
      expect(
        JSON.parse(entity.metadata.annotations['fernhill.io/template-inputs']),
      ).toMatchObject({ name: values.name, owner: values.owner });
      expectFullyRendered(files);
      // The local Git host keeps GitHub Actions, like a GitHub target.
      expectGithubActionsOnly(files, `local/${values.name}`);
      for (const file of ['mkdocs.yml', 'docs/index.md', 'Dockerfile']) {
        expect(files.has(file)).toBe(true);
      }
    }
  });

  it.each(['typescript-service', 'go-service'])(
    '%s asks for one database per environment, only when a database is asked for, and each environment mounts its own',
    async name => {
      const service = byName(name);
      const values = service.testValues as Record<string, string>;
      const dryRunWith = async (database: boolean) => {
        const response = await dryRun(service, {
          ...values,
          database,
          size: database ? 'medium' : undefined,
        });
        expect(response.status).toBe(200);
        const steps = (response.body.log as any[])
          .map(l => l.body)
          .filter(b => /^database/.test(b.stepId ?? ''));
        const status = (stepId: string) =>
          steps.filter(b => b.stepId === stepId).map(b => b.status);
        const files = renderedFiles(response);
        return {
          staging: status('database-staging'),
          production: status('database-production'),
          problems: databaseProblems(files, { name: values.name, database }),
        };
      };
      const withDatabase = await dryRunWith(true);
      expect(withDatabase.staging).toContain('completed');
      expect(withDatabase.production).toContain('completed');
      expect(withDatabase.problems).toEqual([]);
      const without = await dryRunWith(false);
      for (const statuses of [without.staging, without.production]) {
        expect(statuses).toContain('skipped');
        expect(statuses).not.toContain('completed');
      }
      expect(without.problems).toEqual([]);
    },
  );

  it('upgrade-golden-path proposes go-service 2.1.0 to a service created at 1.0.0 as a branch of its repository', async () => {
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', mockCredentials.user.header(USER))
      .send({
        templateRef: 'template:default/upgrade-golden-path',
        values: byName('upgrade-golden-path').testValues,
      });
    expect(created.status).toBe(201);
    let task: any;
    for (let i = 0; i < 240; i++) {
      task = (
        await request(server)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
          .set('Authorization', mockCredentials.user.header(USER))
      ).body;
      if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
      await new Promise(done => setTimeout(done, 250));
    }
    const events = (
      await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', mockCredentials.user.header(USER))
    ).body;
    expect({
      status: task.status,
      errors: events
        .filter((e: any) => e.body?.error)
        .map((e: any) => e.body.error.message),
    }).toEqual({ status: 'completed', errors: [] });
    const gitDir = join(workDir, 'git', 'ledger-api.git');
    const git = async (...args: string[]) =>
      (await run('git', [`--git-dir=${gitDir}`, ...args])).stdout;
    // Only what changed since 1.0.0: the older main.go, the recorded version and the file the
    // golden path dropped; the one the team changed stays, and so does the team's own code.
    expect(
      (await git('diff', '--name-status', 'main', 'golden-path-2.1.0'))
        .trim()
        .split('\n'),
    ).toEqual([
      'M\tcatalog-info.yaml',
      'D\tdeploy/argocd/preview.yaml',
      'M\tmain.go',
    ]);
    expect(
      await git('show', 'golden-path-2.1.0:observability/alerts.yaml'),
    ).toBe('# go-service 1.0.0\n# tuned by the team\n');
    expect(await git('show', 'golden-path-2.1.0:handlers.go')).toBe(
      "package main // the team's code\n",
    );
    expect(
      await git('log', '-1', '--format=%B', 'golden-path-2.1.0'),
    ).toContain(
      'because they were changed since the golden path wrote them (delete them if they are no longer needed):\n- observability/alerts.yaml',
    );
    const entity = yaml.parse(
      await git('show', 'golden-path-2.1.0:catalog-info.yaml'),
    );
    expect(entity.metadata.annotations['fernhill.io/template-version']).toBe(
      '2.1.0',
    );
    expect(await git('show', 'golden-path-2.1.0:main.go')).not.toContain(
      '// 1.0.0',
    );
    expect(await git('show', 'main:main.go')).toBe('package main // 1.0.0\n');
  });

  it('requests each environment its own PostgreSQLInstance, named after the environment', () => {
    for (const name of ['typescript-service', 'go-service']) {
      const inputs = byName(name)
        .entity.spec.steps.filter(
          s => s.action === 'crossplane:postgres:create',
        )
        .map(s => ({
          id: s.id,
          name: (s.input as any).name,
          environment: (s.input as any).environment,
        }));
      expect({ name, inputs }).toEqual({
        name,
        inputs: [
          {
            id: 'database-staging',
            name: '${{ parameters.name }}-staging',
            environment: 'staging',
          },
          {
            id: 'database-production',
            name: '${{ parameters.name }}-prod',
            environment: 'prod',
          },
        ],
      });
    }
  });

  it("a new service's Kubernetes tab lists every kind the portal config names in its namespace, with no 403, as the tab's own account", async () => {
    const template = byName('go-service');
    const response = await dryRun(template);
    expect(response.status).toBe(200);
    const annotations = annotationsOf(renderedFiles(response));
    const namespace = annotations['backstage.io/kubernetes-namespace'];
    const id = annotations['backstage.io/kubernetes-id'];
    expect(namespace).toBe('team-payments');

    const configs = ['app-config.yaml', 'app-config.production.yaml'].map(
      file =>
        yaml.parse(
          require('node:fs').readFileSync(join(repoRoot, file), 'utf8'),
        ).kubernetes,
    );
    const objectTypes: string[] = configs[0].objectTypes;
    expect(configs[1].objectTypes).toEqual(objectTypes);
    // Production skips the metrics lookup: the role grants no metrics.k8s.io.
    for (const cluster of configs[1].clusterLocatorMethods[0].clusters) {
      expect(cluster.skipMetricsLookup).toBe(true);
    }

    // The role names the same kinds, no more and no fewer.
    const role = yaml
      .parseAllDocuments(
        await fs.readFile(
          join(
            repoRoot,
            'crossplane/rbac/portal-kubernetes-plugin-reader.yaml',
          ),
          'utf8',
        ),
      )
      .map(d => d.toJS())
      .find(o => o?.kind === 'ClusterRole');
    expect(
      role.rules.flatMap((r: { resources: string[] }) => r.resources).sort(),
    ).toEqual([...objectTypes].sort());

    // Where each kind lives, from the control plane's discovery (as an administrator).
    const admin = `Bearer ${DEFAULT_ADMIN_TOKEN}`;
    const prefixes = new Map<string, string>();
    const core = await request(plane.url)
      .get('/api/v1')
      .set('Authorization', admin);
    for (const r of core.body.resources) prefixes.set(r.name, '/api/v1');
    const groups = await request(plane.url)
      .get('/apis')
      .set('Authorization', admin);
    for (const apiGroup of groups.body.groups) {
      const version = apiGroup.preferredVersion.groupVersion;
      const list = await request(plane.url)
        .get(`/apis/${version}`)
        .set('Authorization', admin);
      for (const r of list.body.resources) {
        if (!prefixes.has(r.name)) prefixes.set(r.name, `/apis/${version}`);
      }
    }

    // What the Kubernetes plugin asks for, as its own read-only service account: a list per kind
    // in the component's namespace, by its kubernetes-id label.
    const statuses: Record<string, number> = {};
    for (const kind of objectTypes) {
      expect({ kind, served: prefixes.has(kind) }).toEqual({
        kind,
        served: true,
      });
      const listed = await request(plane.url)
        .get(`${prefixes.get(kind)}/namespaces/${namespace}/${kind}`)
        .query({ labelSelector: `backstage.io/kubernetes-id=${id}` })
        .set('Authorization', `Bearer ${KUBERNETES_TAB_TOKEN}`);
      statuses[kind] = listed.status;
    }
    expect(statuses).toEqual(
      Object.fromEntries(objectTypes.map(kind => [kind, 200])),
    );
    // Without the namespace annotation the plugin would list cluster-wide, which the role refuses.
    const clusterWide = await request(plane.url)
      .get('/api/v1/pods')
      .set('Authorization', `Bearer ${KUBERNETES_TAB_TOKEN}`);
    expect(clusterWide.status).toBe(403);
  });

  describe('refuses bad input on the server', () => {
    const template = () => byName('typescript-service');

    it.each([
      'ab',
      'Orders',
      '1orders',
      'orders_service',
      'orders.service',
      'a'.repeat(31),
      '-orders',
      'orders-',
      'orders service',
      '../../etc',
    ])('name %p', async name => {
      const response = await dryRun(template(), {
        ...template().testValues,
        name,
      });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.errors)).toContain('pattern');
    });

    it('any name outside ^[a-z][a-z0-9-]{1,28}[a-z0-9]$, and accepts the ones inside', async () => {
      const NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
      const status = async (name: string) =>
        (
          await request(server)
            .post('/api/scaffolder/v2/dry-run')
            .set('Authorization', mockCredentials.user.header(USER))
            // Values are validated before any step runs, so no folder contents are needed.
            .send({
              template: template().entity,
              values: { ...template().testValues, name, owner: 'not a group' },
              directoryContents: [],
            })
        ).body.errors as Array<{ property: string }>;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 40 }),
            fc.stringMatching(/^[a-z][a-z0-9-]{1,28}[a-z0-9]?$/),
          ),
          async name => {
            const nameErrors = (await status(name)).filter(e =>
              e.property.endsWith('.name'),
            );
            expect(nameErrors.length > 0).toBe(!NAME.test(name));
          },
        ),
        { numRuns: 40 },
      );
    });

    it('an owner that is not a group, a system that is not a system', async () => {
      for (const values of [
        { owner: 'user:default/priya.raman' },
        { owner: 'payments' },
        { system: 'component:default/payments-api' },
      ]) {
        const response = await dryRun(template(), {
          ...template().testValues,
          ...values,
        });
        expect(response.status).toBe(400);
      }
    });

    it.each([
      ['a line break', 'Exports ledger entries.\n} func init() { panic(1) }'],
      ['HTML', 'Exports <script>alert(1)</script> entries.'],
    ])(
      'a description with %s (it lands in a Go comment and HTML)',
      async (_, description) => {
        for (const name of [
          'typescript-service',
          'go-service',
          'static-site',
        ]) {
          const response = await dryRun(byName(name), {
            ...byName(name).testValues,
            description,
          });
          expect({ name, status: response.status }).toEqual({
            name,
            status: 400,
          });
          expect(JSON.stringify(response.body.errors)).toContain('description');
        }
      },
    );

    it('a name too long for its per-environment database names (<name>-staging, 30 at most)', async () => {
      const values = (name: string, database: boolean) => ({
        ...template().testValues,
        name,
        database,
        size: database ? 'small' : undefined,
      });
      const long = `a${'b'.repeat(22)}`;
      expect((await dryRun(template(), values(long, true))).status).toBe(400);
      expect(
        (await dryRun(template(), values(long.slice(0, 22), true))).status,
      ).toBe(200);
      expect((await dryRun(template(), values(long, false))).status).toBe(200);
    });

    it('a database without a size, or of an unknown size', async () => {
      for (const size of [undefined, 'huge']) {
        const response = await dryRun(template(), {
          ...template().testValues,
          database: true,
          size,
        });
        expect(response.status).toBe(400);
      }
    });

    it('a name already taken in the catalog, before anything is created', async () => {
      const response = await dryRun(template(), {
        ...template().testValues,
        name: 'payments-api',
      });
      // A failed step ends the dry run with the step's error.
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.body.error.message).toMatch(/payments-api/);
      const repositories = await fs
        .readdir(join(workDir, 'git'))
        .catch(() => [] as string[]);
      expect(repositories).not.toContain('payments-api.git');
    });
  });

  describe('renders the skeletons for the publishing target', () => {
    const SERVICE_TEMPLATES = [
      'typescript-service',
      'go-service',
      'static-site',
    ];
    const scaffolders: Record<
      string,
      { server: any; stop: () => Promise<void> }
    > = {};
    // GitHub's and GitLab's APIs as the name check sees them: no repository exists yet.
    const hostApi = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message":"404 Not Found"}');
    });

    beforeAll(async () => {
      await new Promise<void>(done => hostApi.listen(0, '127.0.0.1', done));
      const apiUrl = `http://127.0.0.1:${
        (hostApi.address() as AddressInfo).port
      }`;
      scaffolders.gitlab = await startPortalScaffolder({
        portal: {
          publishing: {
            target: 'gitlab',
            gitlab: { group: 'platform/services' },
          },
        },
        integrations: {
          gitlab: [
            {
              host: 'gitlab.com',
              apiBaseUrl: `${apiUrl}/api/v4`,
              baseUrl: 'https://gitlab.com',
              token: 'glpat-test',
            },
          ],
        },
      });
      scaffolders.github = await startPortalScaffolder({
        portal: {
          publishing: { target: 'github', github: { owner: 'fernhill' } },
        },
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: apiUrl, token: 'gh-test' },
          ],
        },
      });
    });

    afterAll(async () => {
      await Promise.all(Object.values(scaffolders).map(s => s.stop()));
      await new Promise(done => hostApi.close(done));
    });

    const render = async (target: string, name: string) => {
      const template = byName(name);
      const response = await dryRun(
        template,
        template.testValues,
        scaffolders[target].server,
      );
      expect({
        status: response.status,
        error: response.body.error?.message,
      }).toEqual({
        status: 200,
        error: undefined,
      });
      return {
        files: renderedFiles(response),
        values: template.testValues as Record<string, string>,
      };
    };

    it.each(SERVICE_TEMPLATES)(
      '%s for gitlab: GitLab CI with the expected jobs, the GitLab annotation and registry, no GitHub Actions',
      async name => {
        const { files, values } = await render('gitlab', name);
        const slug = `platform/services/${values.name}`;
        const ci = files.get('.gitlab-ci.yml');
        expect(ci).toBeDefined();
        expect(gitlabCiProblems(ci!)).toEqual([]);
        expect([...parseGitlabCi(ci!).jobs.keys()]).toEqual(
          expect.arrayContaining([...GOLDEN_PATH_GITLAB_JOBS]),
        );
        expect(
          [...files.keys()].filter(path => path.startsWith('.github')),
        ).toEqual([]);
        const annotations = annotationsOf(files);
        expect(annotations['gitlab.com/project-slug']).toBe(slug);
        expect(annotations).not.toHaveProperty(['github.com/project-slug']);
        // The chart pulls what GitLab CI pushes ($CI_REGISTRY_IMAGE on gitlab.com).
        expect(imageRepositoryOf(files)).toBe(`registry.gitlab.com/${slug}`);
        expect(docsText(files)).toContain('.gitlab-ci.yml');
        expect(docsText(files)).not.toContain('.github/workflows');
        expect(goModHeader(files)).toEqual(
          name === 'go-service'
            ? [`module gitlab.com/${slug}`, '', 'go 1.24']
            : undefined,
        );
        expectFullyRendered(files);
      },
    );

    it.each(SERVICE_TEMPLATES)(
      '%s runs as a numeric non-root user, the same in the image and the pod, so kubelet can verify runAsNonRoot',
      async name => {
        for (const target of ['github', 'gitlab']) {
          const { files } = await render(target, name);
          expect({ target, problems: runAsNonRootProblems(files) }).toEqual({
            target,
            problems: [],
          });
        }
      },
    );

    it.each(SERVICE_TEMPLATES)(
      '%s deploys per environment the commit CI pushed, never "latest"',
      async name => {
        for (const target of ['github', 'gitlab']) {
          const { files } = await render(target, name);
          expect({ target, problems: imageTagProblems(files) }).toEqual({
            target,
            problems: [],
          });
        }
      },
    );

    it.each(SERVICE_TEMPLATES)(
      '%s on GitHub: scans before it pushes, pushes and signs on main only, actions pinned by SHA',
      async name => {
        const { files } = await render('github', name);
        for (const path of [
          '.github/workflows/ci.yaml',
          '.github/workflows/promote-production.yaml',
        ]) {
          const problems = githubWorkflowProblems(files.get(path) ?? '');
          // The promotion workflow builds nothing; only its pins and permissions apply.
          const relevant =
            path === '.github/workflows/ci.yaml'
              ? problems
              : problems.filter(p => !/^no job /.test(p));
          expect({ path, problems: relevant }).toEqual({ path, problems: [] });
        }
      },
    );

    it.each(SERVICE_TEMPLATES)(
      '%s names the namespace Argo CD deploys to, for the Kubernetes tab, and makes the ServiceMonitor optional',
      async name => {
        const { files } = await render('github', name);
        expect(kubernetesTabProblems(files)).toEqual([]);
      },
    );

    // What `helm template` (as Argo CD runs it for each Application) makes of the rendered chart,
    // checked against Kubernetes' own API types: the first sync applies exactly these objects.
    it.each(SERVICE_TEMPLATES)(
      '%s: each Argo CD Application renders its chart with Helm into objects the Kubernetes API accepts',
      async name => {
        // The generated API models of @kubernetes/client-node (ESM-only; Node 22 require()s it).
        const k8s = createRequire(__filename)('@kubernetes/client-node');
        for (const database of name === 'static-site'
          ? [false]
          : [false, true]) {
          const template = byName(name);
          const response = await dryRun(
            template,
            {
              ...template.testValues,
              database,
              size: database ? 'small' : undefined,
            },
            scaffolders.github.server,
          );
          expect({
            status: response.status,
            error: response.body.error?.message,
          }).toEqual({ status: 200, error: undefined });
          const files = renderedFiles(response);
          for (const environment of ['staging', 'production']) {
            const source = argoHelmSource(
              files,
              `deploy/argocd/${environment}.yaml`,
            );
            const valuesPath = `${source.chartDir}/values-${environment}.yaml`;
            // Until CI has pushed an image the chart refuses to render rather than deploy a tag
            // that does not exist.
            expect(() => renderHelmChart({ files, ...source })).toThrow(
              /image\.tag is set per environment by CI/,
            );
            // What CI's deploy job writes: the commit it pushed and signed.
            const deployed = new Map(files);
            deployed.set(
              valuesPath,
              files
                .get(valuesPath)!
                .replace(/^(\s*)tag: ''/m, "$1tag: '3f2c1e9'"),
            );
            for (const withOperator of [false, true]) {
              const manifests = renderHelmChart({
                files: deployed,
                ...source,
                apiVersions: [
                  ...BASE_API_VERSIONS,
                  ...(withOperator
                    ? [
                        'monitoring.coreos.com/v1',
                        'monitoring.coreos.com/v1/ServiceMonitor',
                      ]
                    : []),
                ],
              });
              const objects = manifests.flatMap(m => m.objects);
              const label = { name, database, environment, withOperator };
              expect({
                ...label,
                kinds: objects.map(o => o.kind).sort(),
              }).toEqual({
                ...label,
                kinds: [
                  'Deployment',
                  'Service',
                  ...(withOperator ? ['ServiceMonitor'] : []),
                ],
              });
              expect({
                ...label,
                problems: objects.flatMap(
                  o => kubernetesSchemaProblems(k8s, o) ?? [],
                ),
              }).toEqual({ ...label, problems: [] });
              const deployment = objects.find(o => o.kind === 'Deployment')!;
              const pod = deployment.spec.template.spec;
              expect(pod.containers[0].image).toMatch(/:3f2c1e9$/);
              expect(pod.securityContext.runAsNonRoot).toBe(true);
              expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
              const databaseUrl = pod.containers[0].env?.find(
                (e: { name: string }) => e.name === 'DATABASE_URL',
              );
              expect(databaseUrl?.valueFrom.secretKeyRef.name).toBe(
                database
                  ? `${template.testValues.name}-${
                      environment === 'production' ? 'prod' : 'staging'
                    }-connection`
                  : undefined,
              );
            }
          }
        }
      },
    );

    it.each(SERVICE_TEMPLATES)(
      '%s sets no placeholder PagerDuty service id (DORA would map incidents to it)',
      async name => {
        const { files } = await render('github', name);
        expect(annotationsOf(files)).not.toHaveProperty([
          'pagerduty.com/service-id',
        ]);
      },
    );

    it('go-service names server spans by route, not after the otelhttp operation', async () => {
      const { files } = await render('github', 'go-service');
      const serverGo = files.get('server.go')!;
      expect(serverGo).toContain('otelhttp.WithSpanNameFormatter(spanName)');
      expect(serverGo).toMatch(
        /func spanName\(_ string, r \*http\.Request\) string \{[\s\S]*r\.Pattern/,
      );
      // The skeleton's own Go test pins the names (not run here: see templates/README.md).
      expect(files.get('server_test.go')).toContain(
        'func TestSpansAreNamedByRoute(t *testing.T)',
      );
    });

    // What this machine can check of the Go skeleton without its modules (templates/README.md, item
    // 5): Debian's gofmt parses every rendered file and finds nothing to reformat. Compiling and
    // `go test` need otelhttp and the other modules, which cannot be fetched here.
    it('go-service renders Go files that parse and are gofmt-clean, whatever the description says', async () => {
      const go = byName('go-service');
      const description = 'Ends a comment */ and "opens" a string ` here\\';
      const response = await dryRun(
        go,
        { ...go.testValues, description },
        scaffolders.github.server,
      );
      expect(response.status).toBe(200);
      const dir = await fs.mkdtemp(join(tmpdir(), 'go-skeleton-'));
      try {
        const goFiles = [...renderedFiles(response)].filter(([path]) =>
          path.endsWith('.go'),
        );
        expect(goFiles.map(([path]) => path)).toEqual(
          expect.arrayContaining(['main.go', 'server.go', 'server_test.go']),
        );
        for (const [path, content] of goFiles) {
          await fs.mkdir(join(dir, path, '..'), { recursive: true });
          await fs.writeFile(join(dir, path), content);
        }
        // -l lists files whose formatting differs; a syntax error fails the command.
        const { stdout } = await run('gofmt', ['-l', '-e', dir]);
        expect(stdout).toBe('');
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('escapes the description into static-site HTML and keeps it on one Go comment line', async () => {
      const description =
        'Fish & chips, "quoted" and \'single\' for the ledger.';
      const site = byName('static-site');
      const siteResponse = await dryRun(site, {
        ...site.testValues,
        description,
      });
      expect(siteResponse.status).toBe(200);
      expect(renderedFiles(siteResponse).get('public/index.html')).toContain(
        '<p>Fish &amp; chips, &quot;quoted&quot; and &#39;single&#39; for the ledger.</p>',
      );
      const go = byName('go-service');
      const goResponse = await dryRun(go, { ...go.testValues, description });
      expect(goResponse.status).toBe(200);
      const main = renderedFiles(goResponse).get('main.go')!.split('\n');
      expect(main[0]).toBe(`// Command ${go.testValues.name}: ${description}`);
      expect(main[1]).toBe('package main');
    });

    it.each(SERVICE_TEMPLATES)(
      '%s for github: GitHub Actions and the GitHub annotation, no GitLab CI',
      async name => {
        const { files, values } = await render('github', name);
        expect(files.has('.github/workflows/ci.yaml')).toBe(true);
        expectGithubActionsOnly(files, `fernhill/${values.name}`);
        expectFullyRendered(files);
      },
    );
  });

  it.each([
    ['typescript-service', 'npm ci --no-audit --no-fund --prefer-offline'],
    ['static-site', undefined],
  ])("the rendered %s skeleton's own tests pass", async (name, install) => {
    const template = byName(name);
    const response = await dryRun(template);
    expect(response.status).toBe(200);
    const target = join(workDir, `rendered-${name}`);
    await writeDirectoryContents(target, response.body.directoryContents);
    const options = { cwd: target, maxBuffer: 16 * 2 ** 20 };
    if (install) {
      const [command, ...args] = install.split(' ');
      await run(command, args, options);
    }
    const { stdout } = await run('npm', ['test'], options);
    expect(stdout).toMatch(/# pass [1-9]/);
    expect(stdout).toMatch(/# fail 0/);
  });
});
