import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  DEFAULT_ADMIN_TOKEN,
  LocalControlPlane,
  PORTAL_SERVICE_ACCOUNT_USER,
  startLocalControlPlane,
} from '@internal/local-control-plane';
import { createPostgresProvisioningServiceFactory } from '@internal/plugin-crossplane-node';
import {
  fuzzEndpoint,
  FuzzResponse,
  fuzzRuns,
  hostileValue,
  mutated,
} from '@internal/plugin-portal-node/testUtils';
import fc from 'fast-check';
import { validate } from 'jsonschema';
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import yaml from 'yaml';

// The project's own scaffolder actions under generated hostile input, wired by their modules as
// the backend wires them (local Git publishing to a temporary data folder, the local control plane
// for databases), and run the way the scaffolder's task runner runs a step: the step's input is
// validated against the action's JSON schema first (a failure is the runner's InputError), then
// the handler gets the context. A handler may only accept the input or refuse it with one of
// @backstage/errors' named errors; any other error is a crash. A refused input must leave nothing
// behind: no repository or temporary folder in the Git data folder, no change in the workspace,
// no PostgreSQLInstance, no catalog location, no adoption event. The unit run takes 30 cases per
// action; `./portal bench fuzz` runs 5,000 each.
const RUNS = fuzzRuns(30);
jest.setTimeout(1_800_000);

const USER = 'user:default/priya.raman';
const PORTAL_TOKEN = 'hostile-input-portal';

/** Errors a handler may refuse input with: @backstage/errors' named errors, with their statuses. */
const CLEAR_ERRORS: Record<string, number> = {
  InputError: 400,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  NotImplementedError: 501,
};

const catalogInfo = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
spec:
  type: service
  lifecycle: experimental
  owner: group:default/payments
`;

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

/** Every file under `dir` with its content hash. */
async function hashFiles(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (current: string) => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else {
        const hash = createHash('sha256')
          .update(await fs.readFile(path))
          .digest('hex');
        lines.push(`${relative(dir, path)} ${hash}`);
      }
    }
  };
  await walk(dir);
  return lines.sort();
}

/** The step inputs of an action's documented examples, minus template expressions. */
function exampleInputs(action: TemplateAction<any, any, any>): object[] {
  return (action.examples ?? []).flatMap(example =>
    (
      yaml.parse(example.example).steps as Array<{
        action: string;
        input?: Record<string, unknown>;
      }>
    )
      .filter(step => step.action === action.id && step.input)
      .map(step => step.input!)
      .filter(input => !JSON.stringify(input).includes('${{')),
  );
}

describe('the portal scaffolder actions under hostile input', () => {
  let plane: LocalControlPlane;
  let capture: Server;
  let root: string;
  let dataDir: string;
  let workspacePath: string;
  const actions = new Map<string, TemplateAction<any, any, any>>();
  const registeredLocations: string[] = [];
  const adoptionEvents: string[] = [];

  beforeAll(async () => {
    root = await fs.mkdtemp(join(tmpdir(), 'actions-hostile-input-'));
    dataDir = join(root, 'git');
    workspacePath = join(root, 'workspace');
    await fs.mkdir(join(workspacePath, 'docs'), { recursive: true });
    await fs.writeFile(join(workspacePath, 'catalog-info.yaml'), catalogInfo);
    await fs.writeFile(join(workspacePath, 'docs', 'index.md'), '# Orders\n');

    // Stands in for the adoption backend (events) and the scaffolder (the upgrade's dry run).
    capture = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        if (req.url?.startsWith('/api/adoption/events')) {
          adoptionEvents.push(body);
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end('{}');
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"name":"NotFoundError","message":"not here"}}');
      });
    });
    await new Promise<void>(ok => capture.listen(0, '127.0.0.1', ok));
    const captureUrl = `http://127.0.0.1:${
      (capture.address() as AddressInfo).port
    }`;

    plane = await startLocalControlPlane({
      port: 0,
      postgres: false,
      tokens: [
        { token: PORTAL_TOKEN, user: PORTAL_SERVICE_ACCOUNT_USER },
        {
          token: DEFAULT_ADMIN_TOKEN,
          user: 'admin',
          groups: ['system:masters'],
        },
      ],
    });

    // The actions read entities by ref and register locations: both over the in-memory catalog,
    // with each registration recorded.
    const inMemory = catalogServiceMock({ entities });
    const catalog = catalogServiceMock.mock({
      getEntityByRef: (ref, options) => inMemory.getEntityByRef(ref, options),
      addLocation: async location => {
        if (!location.dryRun) registeredLocations.push(location.target);
        return {
          location: {
            id: randomUUID(),
            type: location.type ?? 'url',
            target: location.target,
            entityRef: `location:default/generated-${randomUUID()}`,
          },
          entities: [],
          exists: false,
        };
      },
    });

    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...added: TemplateAction<any, any, any>[]) => {
              for (const action of added) actions.set(action.id, action);
            },
          },
        ],
      ],
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            integrations: {
              local: [{ host: 'localhost:7007' }],
            },
            portal: { publishing: { target: 'local', local: { dataDir } } },
            crossplane: {
              cluster: {
                url: plane.url,
                token: PORTAL_TOKEN,
                skipTLSVerify: true,
              },
              teamNamespaces: { payments: 'team-payments' },
            },
          },
        }),
        catalog.factory,
        mockServices.discovery.mock({
          getBaseUrl: async id => `${captureUrl}/api/${id}`,
          getExternalBaseUrl: async id => `${captureUrl}/api/${id}`,
        }).factory,
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: USER,
            ownershipEntityRefs: [USER, 'group:default/payments'],
          }),
        }).factory,
        createPostgresProvisioningServiceFactory({ maxAttempts: 1 }),
        require('@internal/plugin-scaffolder-backend-module-golden-paths')
          .default,
        require('@internal/plugin-scaffolder-backend-module-crossplane')
          .default,
      ],
    });
  });

  afterAll(async () => {
    await plane?.stop();
    await new Promise(ok => capture?.close(ok));
    await fs.rm(root, { recursive: true, force: true });
  });

  /** Everything an action could leave behind. */
  const snapshot = async () => {
    const claims = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/postgresqlinstances`,
      { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } },
    ).then(
      res =>
        res.json() as Promise<{
          items: Array<{ metadata: object; spec: object }>;
        }>,
    );
    const repositories = await fs.readdir(dataDir).catch(() => []);
    return JSON.stringify({
      repositories: repositories.sort(),
      workspace: await hashFiles(workspacePath),
      claims: claims.items.map(i => [i.metadata, i.spec]),
      registeredLocations,
      adoptionEvents: adoptionEvents.length,
    });
  };

  /** One step, as the task runner runs it: schema validation, then the handler. */
  const runStep = async (
    action: TemplateAction<any, any, any>,
    input: unknown,
  ): Promise<FuzzResponse> => {
    const validation = validate(input, action.schema!.input as any);
    if (!validation.valid) {
      return {
        status: 400,
        body: `InputError: Invalid input passed to action ${action.id}`,
      };
    }
    const outputs: Record<string, unknown> = {};
    try {
      await action.handler({
        input: input as any,
        task: { id: randomUUID() },
        secrets: {},
        logger: mockServices.logger.mock(),
        workspacePath,
        // A task cancelled from the start: an action that waits (for the catalog, for Ready)
        // looks once and stops, so thousands of cases do not each wait out a timeout.
        signal: AbortSignal.abort(),
        isDryRun: false,
        user: { ref: USER },
        templateInfo: {
          entityRef: 'template:default/typescript-service',
          entity: {
            metadata: {
              name: 'typescript-service',
              annotations: { 'fernhill.io/template-version': '1.2.0' },
            },
          },
        },
        checkpoint: async ({ fn }: { fn: () => Promise<any> }) => fn(),
        createTemporaryDirectory: () =>
          fs.mkdtemp(join(tmpdir(), 'actions-hostile-step-')),
        output: (name: string, value: unknown) => {
          outputs[name] = value;
        },
        getInitiatorCredentials: async () => mockCredentials.user(USER),
        each: undefined,
      } as any);
      return { status: 200, body: outputs };
    } catch (error) {
      const name = (error as Error)?.name;
      const message = (error as Error)?.message;
      const status = CLEAR_ERRORS[name];
      if (status && status < 500 && message) {
        return { status, body: `${name}: ${message}` };
      }
      // Not a clear refusal: a crash, whatever the input.
      return { status: 500, body: String((error as Error)?.stack ?? error) };
    }
  };

  it('registers every action the suite covers', () => {
    expect([...actions.keys()].sort()).toEqual([
      'crossplane:postgres:create',
      'portal:adoption:emit',
      'portal:catalog:await-entity',
      'portal:catalog:register',
      'portal:name:ensure-available',
      'portal:provenance:record',
      'portal:publish',
      'portal:template:upgrade',
    ]);
  });

  /** Valid inputs to mutate, beyond the examples: what the golden paths send. */
  const extraInputs: Record<string, object[]> = {
    'crossplane:postgres:create': [
      {
        name: 'orders-db',
        size: 'small',
        environment: 'dev',
        owner: 'group:default/payments',
        component: 'component:default/payments-api',
        waitForReady: false,
      },
    ],
  };

  it.each([
    'portal:name:ensure-available',
    'portal:publish',
    'portal:provenance:record',
    'portal:catalog:register',
    'portal:catalog:await-entity',
    'portal:adoption:emit',
    'portal:template:upgrade',
    'crossplane:postgres:create',
  ])(
    '%s accepts or refuses with a named error, and a refusal leaves nothing behind',
    async id => {
      const action = actions.get(id)!;
      const valid = [...exampleInputs(action), ...(extraInputs[id] ?? [])];
      expect(valid.length).toBeGreaterThan(0);
      const fields = [
        ...new Set([
          ...valid.flatMap(v => Object.keys(v)),
          ...Object.keys(
            (action.schema!.input as { properties?: object }).properties ?? {},
          ),
        ]),
      ];
      const input = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...valid) },
        {
          weight: 12,
          arbitrary: fc
            .constantFrom(...valid)
            .chain(base => mutated(base, fields)),
        },
        { weight: 2, arbitrary: hostileValue },
        {
          weight: 2,
          arbitrary: fc.dictionary(fc.constantFrom(...fields), hostileValue),
        },
      );
      const isObject = (value: unknown): value is Record<string, unknown> =>
        value !== null && typeof value === 'object' && !Array.isArray(value);
      let published = 0;
      const prepared = (value: unknown) => {
        if (!isObject(value)) return value;
        // A database request that passes waits for Ready unless told not to; the wait and its
        // cancellation are the action's own tests' subject, not hostile input's.
        if (id === 'crossplane:postgres:create') {
          return { ...value, waitForReady: false };
        }
        // The examples' repository exists after the first case; a fresh name lets the other
        // fields' hostile values reach git instead of stopping at the name conflict.
        if (
          id === 'portal:publish' &&
          valid.some(
            v => (v as { repoName?: unknown }).repoName === value.repoName,
          )
        ) {
          published++;
          return { ...value, repoName: `fuzz-repo-${published}` };
        }
        return value;
      };
      const counts = await fuzzEndpoint({
        endpoint: `action ${id}`,
        input,
        send: value => runStep(action, prepared(value)),
        snapshot,
        runs: RUNS,
      });
      expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
      expect(Object.prototype).not.toHaveProperty('x');
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );
});
