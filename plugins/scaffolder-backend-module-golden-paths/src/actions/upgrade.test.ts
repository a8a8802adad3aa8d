import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { promises as fs } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'yaml';
import { createTestEnvironment } from '../__testUtils__/testEnvironment';
import { TemplateRenderer } from '../upgrade/ScaffolderDryRunRenderer';
import { UpgradeFile } from '../upgrade/upgradePlan';
import { createTemplateUpgradeAction } from './upgrade';

const execFileAsync = promisify(execFile);

const ENTITY_REF = 'component:default/orders-api';
const LOCATION =
  'url:http://localhost:7007/api/local-git/orders-api/blob/main/catalog-info.yaml';

/** The component as golden path 1.0.0 created it, with an edit of its owners (a link). */
const CREATED_CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
  annotations:
    backstage.io/source-template: template:default/go-service
    fernhill.io/template-version: 1.0.0
    fernhill.io/template-inputs: '{"name":"orders-api","owner":"group:default/payments"}'
  links:
    - url: https://runbooks.example/orders
spec:
  type: service
  lifecycle: experimental
  owner: group:default/payments
`;

const component = (version = '1.0.0'): Entity => ({
  ...yaml.parse(CREATED_CATALOG_INFO),
  metadata: {
    ...yaml.parse(CREATED_CATALOG_INFO).metadata,
    namespace: 'default',
    annotations: {
      ...yaml.parse(CREATED_CATALOG_INFO).metadata.annotations,
      'fernhill.io/template-version': version,
      'backstage.io/managed-by-location': LOCATION,
    },
  },
});

const template = (version: string): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'go-service',
    namespace: 'default',
    annotations: { 'fernhill.io/template-version': version },
  },
  spec: { steps: [] },
});

const file = (path: string, content: string): UpgradeFile => ({
  path,
  content: Buffer.from(content),
});

/** Files golden path 1.0.0 rendered that 2.0.0 renders unchanged unless told to drop them. */
const RELEASE_WORKFLOW = 'on: push\njobs: {}\n';
const AUTOSCALER = 'kind: HorizontalPodAutoscaler\n';

/** Renders what golden path 2.0.0 renders for the recorded inputs, and remembers the call. */
class RecordingRenderer implements TemplateRenderer {
  calls: unknown[] = [];
  constructor(private readonly dropped: string[] = []) {}
  async render(options: Parameters<TemplateRenderer['render']>[0]) {
    this.calls.push(options.values);
    return [
      file('catalog-info.yaml', CREATED_CATALOG_INFO.replace('1.0.0', '2.0.0')),
      file('main.go', 'package main // 2.0.0\n'),
      file('docs/index.md', '# orders-api\n'),
      file('chart/values-staging.yaml', 'image:\n  tag: ""\ndatabase: {}\n'),
      file('go.sum', 'rendered sums\n'),
      file('.github/workflows/release.yaml', RELEASE_WORKFLOW),
      file('chart/templates/hpa.yaml', AUTOSCALER),
    ].filter(f => !this.dropped.includes(f.path));
  }
}

describe('portal:template:upgrade', () => {
  let env: Awaited<ReturnType<typeof createTestEnvironment>>;
  let renderer: RecordingRenderer;

  let folders = 0;
  const writeFiles = async (name: string, files: Record<string, string>) => {
    const dir = join(env.root, `${name}-${(folders += 1)}`);
    await fs.mkdir(dir, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      await fs.mkdir(join(dir, path, '..'), { recursive: true });
      await fs.writeFile(join(dir, path), content);
    }
    return dir;
  };

  /** A commit of the service's own on its default branch. */
  const commitToMain = async (
    message: string,
    files: Record<string, string>,
    removePaths: string[] = [],
  ) => {
    await env.repositories.commitToBranch({
      name: 'orders-api',
      branch: 'main',
      baseBranch: 'main',
      sourceDir: await writeFiles('commit', files),
      removePaths,
      message,
    });
  };

  beforeEach(async () => {
    env = await createTestEnvironment();
    renderer = new RecordingRenderer();
    // The repository as the service has it: created by golden path 1.0.0 (portal:publish's
    // commit), then deployed by CI and added to by its developers.
    await env.repositories.publish({
      name: 'orders-api',
      sourceDir: await writeFiles('created', {
        'catalog-info.yaml': CREATED_CATALOG_INFO,
        'main.go': 'package main // 1.0.0\n',
        'docs/index.md': '# orders-api\n',
        'chart/values-staging.yaml': 'image:\n  tag: ""\n',
        'go.sum': 'the service sums\n',
        '.github/workflows/release.yaml': RELEASE_WORKFLOW,
        'chart/templates/hpa.yaml': AUTOSCALER,
      }),
      message: 'Initial commit from template:default/go-service',
    });
    await commitToMain('Deploy 3f2c1ab to staging', {
      'chart/values-staging.yaml': 'image:\n  tag: 3f2c1ab\n',
    });
    await commitToMain('Add the order handlers', {
      'handlers.go': 'package main // the service code\n',
    });
  });
  afterEach(() => env.cleanup());

  const createAction = (
    options: {
      entities?: Entity[];
      result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      target?: 'local' | 'github';
    } = {},
  ) => {
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({
          result: options.result ?? AuthorizeResult.ALLOW,
        })),
    });
    const action = createTemplateUpgradeAction({
      catalog: catalogServiceMock({
        entities: options.entities ?? [component(), template('2.0.0')],
      }),
      permissions,
      renderer,
      publisher: {
        target: options.target ?? 'local',
        displayName: 'GitHub organisation fernhill',
      },
      repositories: env.repositories,
    });
    return { action, permissions };
  };

  const commitMessage = async (branch: string) =>
    (
      await execFileAsync('git', [
        `--git-dir=${env.repositories.gitDir('orders-api')}`,
        'log',
        '-1',
        '--format=%B',
        branch,
      ])
    ).stdout;

  const readBranch = async (path: string) =>
    (
      await env.repositories.readFile('orders-api', 'golden-path-2.0.0', path)
    ).content.toString('utf8');

  it('proposes the re-rendered golden path as a branch, keeping what the service owns', async () => {
    const { action, permissions } = createAction();
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);

    expect(renderer.calls).toEqual([
      { name: 'orders-api', owner: 'group:default/payments' },
    ]);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'portal.golden-path.upgrade',
            resourceType: 'catalog-entity',
          }),
          resourceRef: ENTITY_REF,
        }),
      ],
      expect.anything(),
    );
    expect(
      await env.repositories.changedPaths(
        'orders-api',
        'main',
        'golden-path-2.0.0',
      ),
    ).toEqual(['catalog-info.yaml', 'chart/values-staging.yaml', 'main.go']);
    expect(await readBranch('main.go')).toBe('package main // 2.0.0\n');
    // The owners' catalog-info.yaml with only the version moved forward.
    const entity = yaml.parse(await readBranch('catalog-info.yaml'));
    expect(entity.metadata.annotations['fernhill.io/template-version']).toBe(
      '2.0.0',
    );
    expect(entity.metadata.links).toEqual([
      { url: 'https://runbooks.example/orders' },
    ]);
    // The tag CI deployed stays; the new template's other values arrive.
    expect(yaml.parse(await readBranch('chart/values-staging.yaml'))).toEqual({
      image: { tag: '3f2c1ab' },
      database: {},
    });
    expect(await readBranch('go.sum')).toBe('the service sums\n');
    expect(await readBranch('handlers.go')).toBe(
      'package main // the service code\n',
    );
    expect(ctx.output).toHaveBeenCalledWith('branch', 'golden-path-2.0.0');
    expect(ctx.output).toHaveBeenCalledWith(
      'branchUrl',
      'http://localhost:7007/api/local-git/orders-api/tree/golden-path-2.0.0/',
    );
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'catalog-info.yaml',
      'chart/values-staging.yaml',
      'main.go',
    ]);
    // The default branch is untouched until the owners merge.
    expect(
      (
        await env.repositories.readFile('orders-api', 'main', 'main.go')
      ).content.toString('utf8'),
    ).toBe('package main // 1.0.0\n');
  });

  it('an upgrade removes a file the newer template no longer renders', async () => {
    renderer = new RecordingRenderer(['.github/workflows/release.yaml']);
    const { action } = createAction();
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);

    expect(
      await env.repositories.changedPaths(
        'orders-api',
        'main',
        'golden-path-2.0.0',
      ),
    ).toEqual([
      '.github/workflows/release.yaml',
      'catalog-info.yaml',
      'chart/values-staging.yaml',
      'main.go',
    ]);
    await expect(readBranch('.github/workflows/release.yaml')).rejects.toThrow(
      'not found',
    );
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', [
      '.github/workflows/release.yaml',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('keptFiles', []);
    const message = await commitMessage('golden-path-2.0.0');
    expect(message).toMatch(/^Upgrade to template:default\/go-service 2.0.0\n/);
    expect(message).toContain('Removed, as 2.0.0 no longer renders them');
    expect(message).toContain('- .github/workflows/release.yaml');
    // The default branch keeps it until the owners merge.
    expect(
      (
        await env.repositories.readFile(
          'orders-api',
          'main',
          '.github/workflows/release.yaml',
        )
      ).content.toString('utf8'),
    ).toBe(RELEASE_WORKFLOW);
  });

  it('an upgrade removes dropped environment values whose only change since is the image tag CI deployed', async () => {
    renderer = new RecordingRenderer([]);
    renderer.render = async () => [
      file('catalog-info.yaml', CREATED_CATALOG_INFO.replace('1.0.0', '2.0.0')),
      file('main.go', 'package main // 2.0.0\n'),
    ];
    const { action } = createAction();
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', [
      '.github/workflows/release.yaml',
      'chart/templates/hpa.yaml',
      'chart/values-staging.yaml',
      'docs/index.md',
    ]);
    // go.sum is the service's, whatever the template renders.
    expect(await readBranch('go.sum')).toBe('the service sums\n');
  });

  it('an upgrade keeps a file the developer added', async () => {
    renderer = new RecordingRenderer([
      '.github/workflows/release.yaml',
      'chart/templates/hpa.yaml',
    ]);
    // Besides handlers.go: the developer's own file next to the template's chart files.
    await commitToMain('Our own chart template', {
      'chart/templates/pdb.yaml': 'kind: PodDisruptionBudget\n',
    });
    const { action } = createAction();
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);

    expect(await readBranch('handlers.go')).toBe(
      'package main // the service code\n',
    );
    expect(await readBranch('chart/templates/pdb.yaml')).toBe(
      'kind: PodDisruptionBudget\n',
    );
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', [
      '.github/workflows/release.yaml',
      'chart/templates/hpa.yaml',
    ]);
  });

  it('an upgrade keeps a dropped file the developer changed and says so', async () => {
    renderer = new RecordingRenderer([
      '.github/workflows/release.yaml',
      'chart/templates/hpa.yaml',
    ]);
    await commitToMain('Scale on memory too', {
      'chart/templates/hpa.yaml': `${AUTOSCALER}# and memory\n`,
    });
    const { action } = createAction();
    const logger = mockServices.logger.mock();
    const ctx = env.context({ entityRef: ENTITY_REF }, { logger });
    await action.handler(ctx);

    expect(await readBranch('chart/templates/hpa.yaml')).toBe(
      `${AUTOSCALER}# and memory\n`,
    );
    await expect(readBranch('.github/workflows/release.yaml')).rejects.toThrow(
      'not found',
    );
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', [
      '.github/workflows/release.yaml',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('keptFiles', [
      'chart/templates/hpa.yaml',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('chart/templates/hpa.yaml'),
    );
    const message = await commitMessage('golden-path-2.0.0');
    expect(message).toContain(
      'Kept, although 2.0.0 no longer renders them, because they were changed since the golden path wrote them',
    );
    expect(message).toContain('- chart/templates/hpa.yaml');
  });

  it('an upgrade removes dropped files that an earlier, merged upgrade wrote', async () => {
    // 1.5.0 changed the autoscaler and added a dashboard; its branch was merged.
    await env.repositories.commitToBranch({
      name: 'orders-api',
      branch: 'main',
      baseBranch: 'main',
      sourceDir: await writeFiles('upgrade', {
        'chart/templates/hpa.yaml': `${AUTOSCALER}# 1.5.0\n`,
        'dashboards/orders.json': '{}\n',
      }),
      message:
        'Upgrade to template:default/go-service 1.5.0\n\nRe-rendered with the inputs recorded at 1.0.0.',
    });
    // A developer deleted the release workflow, so there is nothing left to remove.
    await commitToMain('No releases', {}, ['.github/workflows/release.yaml']);
    renderer = new RecordingRenderer([
      '.github/workflows/release.yaml',
      'chart/templates/hpa.yaml',
    ]);
    const { action } = createAction({
      entities: [component('1.5.0'), template('2.0.0')],
    });
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', [
      'chart/templates/hpa.yaml',
      'dashboards/orders.json',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('keptFiles', []);
  });

  it('an upgrade of a repository the golden path did not create removes nothing', async () => {
    await env.repositories.publish({
      name: 'imported-api',
      sourceDir: await writeFiles('imported', {
        'catalog-info.yaml': CREATED_CATALOG_INFO,
        'chart/templates/hpa.yaml': AUTOSCALER,
      }),
    });
    renderer = new RecordingRenderer(['chart/templates/hpa.yaml']);
    const imported = component();
    imported.metadata.annotations!['backstage.io/managed-by-location'] =
      LOCATION.replace('orders-api', 'imported-api');
    const { action } = createAction({
      entities: [imported, template('2.0.0')],
    });
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', []);
    expect(
      (
        await env.repositories.readFile(
          'imported-api',
          'golden-path-2.0.0',
          'chart/templates/hpa.yaml',
        )
      ).content.toString('utf8'),
    ).toBe(AUTOSCALER);
  });

  it('lists the removals of a dry run without creating the branch', async () => {
    renderer = new RecordingRenderer(['chart/templates/hpa.yaml']);
    const { action } = createAction();
    const ctx = env.context({ entityRef: ENTITY_REF }, { isDryRun: true });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('removedFiles', [
      'chart/templates/hpa.yaml',
    ]);
    await expect(
      env.repositories.resolveCommit('orders-api', 'golden-path-2.0.0'),
    ).rejects.toThrow('not found');
  });

  it('lists the changes of a dry run without creating the branch', async () => {
    const { action } = createAction();
    const ctx = env.context({ entityRef: ENTITY_REF }, { isDryRun: true });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'catalog-info.yaml',
      'chart/values-staging.yaml',
      'main.go',
    ]);
    await expect(
      env.repositories.resolveCommit('orders-api', 'golden-path-2.0.0'),
    ).rejects.toThrow('not found');
  });

  it('proposes nothing for a component already on the latest version', async () => {
    const { action } = createAction({
      entities: [component('2.0.0'), template('2.0.0')],
    });
    const ctx = env.context({ entityRef: ENTITY_REF });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('upToDate', true);
    expect(renderer.calls).toEqual([]);
  });

  it('refuses someone who does not own the component, before rendering anything', async () => {
    const { action } = createAction({ result: AuthorizeResult.DENY });
    await expect(
      action.handler(env.context({ entityRef: ENTITY_REF })),
    ).rejects.toThrow(NotAllowedError);
    expect(renderer.calls).toEqual([]);
    await expect(
      env.repositories.resolveCommit('orders-api', 'golden-path-2.0.0'),
    ).rejects.toThrow('not found');
  });

  it('refuses a component without recorded provenance, naming the annotation', async () => {
    const plain = component();
    delete plain.metadata.annotations!['fernhill.io/template-inputs'];
    const { action } = createAction({ entities: [plain, template('2.0.0')] });
    await expect(
      action.handler(env.context({ entityRef: ENTITY_REF })),
    ).rejects.toThrow(/fernhill.io\/template-inputs/);
    await expect(
      createAction().action.handler(
        env.context({ entityRef: 'component:default/missing' }),
      ),
    ).rejects.toThrow(InputError);
  });

  it('refuses a component whose recorded template is not an entity ref, naming the annotation', async () => {
    const broken = component();
    broken.metadata.annotations!['backstage.io/source-template'] =
      'template:default/';
    const { action } = createAction({ entities: [broken, template('2.0.0')] });
    const refused = action.handler(env.context({ entityRef: ENTITY_REF }));
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(
      /backstage.io\/source-template annotation that is not an entity ref/,
    );
  });

  it('refuses an entityRef that is not one with an InputError naming the field, before asking the catalog', async () => {
    for (const entityRef of ["'; DROP TABLE users; --", '', 'orders-api']) {
      const { action } = createAction();
      const refused = action.handler(env.context({ entityRef }));
      await expect(refused).rejects.toThrow(InputError);
      await expect(refused).rejects.toThrow(/Invalid entityRef/);
    }
  });

  it('says plainly that GitHub and GitLab proposals are not supported yet', async () => {
    const { action } = createAction({ target: 'github' });
    await expect(
      action.handler(env.context({ entityRef: ENTITY_REF })),
    ).rejects.toThrow(/local Git host only/);
  });
});
