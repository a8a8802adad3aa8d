import {
  DEFAULT_ADMIN_TOKEN,
  LocalControlPlane,
  TEST_PORTAL_TOKEN,
  startTestControlPlane,
  testClusterConfig,
} from '@internal/local-control-plane';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockPostgresPolicy } from '../testUtils';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import {
  POSTGRES_INSTANCE_CHANGED_TOPIC,
  PostgresProvisioningService,
  PostgresProvisioningServiceOptions,
} from './PostgresProvisioningService';
import {
  POSTGRES_INSTANCE_API_VERSION,
  POSTGRES_INSTANCE_KIND,
  PostgresInstanceObject,
} from './postgresInstanceManifest';

// Every test talks to a real local control plane through the real Kubernetes client; on a busy
// 2-core CI machine a test took longer than Jest's default 5 s once.
jest.setTimeout(30_000);

const request = {
  name: 'orders-db',
  size: 'small',
  environment: 'staging',
  owner: 'group:default/payments',
  component: 'component:default/payments-api',
};

describe('PostgresProvisioningService against the local control plane', () => {
  let plane: LocalControlPlane;
  let admin: KubernetesClusterClient;
  const permissions = mockServices.permissions.mock();
  const credentials = mockCredentials.user('user:default/alice');

  const service = (
    token = TEST_PORTAL_TOKEN,
    extraTeams: Record<string, string> = {},
    extra: Partial<PostgresProvisioningServiceOptions> = {},
  ) =>
    PostgresProvisioningService.create({
      client: KubernetesClusterClient.create({
        cluster: testClusterConfig(plane, token),
      }),
      teamNamespaces: {
        payments: 'team-payments',
        catalog: 'team-catalog',
        ...extraTeams,
      },
      permissions,
      userInfo: mockServices.userInfo.mock({
        getUserInfo: async () => ({
          userEntityRef: 'user:default/alice',
          ownershipEntityRefs: [
            'user:default/alice',
            'group:default/payments',
            'group:default/intruders',
          ],
        }),
      }),
      logger: mockServices.logger.mock(),
      pollIntervalMs: 20,
      serviceCallers: ['plugin:platform-bot'],
      ...extra,
    });

  const listXrs = (namespace = 'team-payments') =>
    admin.list<PostgresInstanceObject>(
      POSTGRES_INSTANCE_API_VERSION,
      POSTGRES_INSTANCE_KIND,
      namespace,
    );

  const deleteXr = async (namespace: string, name: string) => {
    const response = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/${namespace}/postgresqlinstances/${name}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
      },
    );
    expect(response.status).toBe(200);
  };

  /** Plays Crossplane: sets the XR's conditions through the status subresource. */
  const setConditions = async (
    name: string,
    conditions: object[],
    namespace = 'team-payments',
  ) => {
    const response = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/${namespace}/postgresqlinstances/${name}/status`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
          'content-type': 'application/merge-patch+json',
        },
        body: JSON.stringify({ status: { conditions } }),
      },
    );
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    plane = await startTestControlPlane();
    admin = KubernetesClusterClient.create({
      cluster: testClusterConfig(plane, DEFAULT_ADMIN_TOKEN),
    });
  });

  afterAll(() => plane?.stop());

  beforeEach(() => {
    permissions.authorize.mockReset();
    // As for a Payments engineer: their components yes, other teams' namespaces no.
    mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.DENY });
  });

  it('rejects invalid input naming the field before anything is written', async () => {
    const cases: [object, RegExp][] = [
      [{ name: 'Orders' }, /Invalid name/],
      [{ name: 'a'.repeat(31) }, /Invalid name/],
      [{ name: 'postgres' }, /Invalid name: is a reserved name/],
      [{ size: 'huge' }, /Invalid size/],
      [{ environment: 'qa' }, /Invalid environment/],
      [{ owner: 'strangers' }, /Invalid owner: unknown team strangers/],
      [{ component: 'group:default/payments' }, /Invalid component/],
      [{ owner: 'user:default/alice' }, /Invalid owner/],
      // crossplane/xrd.yaml's CEL rule, which the API server also enforces.
      [
        { environment: 'prod', backupRetentionDays: 3 },
        /Invalid backupRetentionDays: prod databases keep at least 7 days/,
      ],
    ];
    for (const [patch, message] of cases) {
      await expect(
        service().create({ ...request, ...patch }, { credentials }),
      ).rejects.toMatchObject({ name: 'InputError', message });
    }
    expect(permissions.authorize).not.toHaveBeenCalled();
    expect(await listXrs()).toEqual([]);
  });

  it('refuses a team namespace the caller is not a member of, writing nothing', async () => {
    await expect(
      service().create({ ...request, owner: 'catalog' }, { credentials }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /Invalid owner: you are not a member of team catalog, so you may not request databases in its namespace team-catalog/,
      ),
    });
    expect(await listXrs('team-catalog')).toEqual([]);
  });

  it('lets a platform member (allowed every team by the policy) use any team namespace', async () => {
    mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.ALLOW });
    const result = await service().create(
      { ...request, name: 'platform-made-db', owner: 'catalog' },
      { credentials },
    );
    expect(result.namespace).toBe('team-catalog');
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'crossplane.postgres.create-for-any-team',
          }),
        },
      ],
      { credentials },
    );
    expect((await listXrs('team-catalog')).map(x => x.metadata?.name)).toEqual([
      'platform-made-db',
    ]);
    await deleteXr('team-catalog', 'platform-made-db');
  });

  describe('for a component that is not in the catalog yet (created in the same run)', () => {
    const published: unknown[] = [];
    const notInCatalog = () =>
      service(
        TEST_PORTAL_TOKEN,
        {},
        {
          componentExists: async () => false,
          events: {
            publish: async event => {
              published.push(event);
            },
            subscribe: async () => {},
          },
        },
      );
    const newComponent = {
      ...request,
      name: 'fresh-db',
      component: 'component:default/brand-new-service',
    };

    it('authorizes a member of the owning team without asking about the component', async () => {
      const result = await notInCatalog().create(newComponent, { credentials });
      expect(result).toMatchObject({
        namespace: 'team-payments',
        name: 'fresh-db',
      });
      expect(permissions.authorize).not.toHaveBeenCalled();
      expect(published).toEqual([
        {
          topic: POSTGRES_INSTANCE_CHANGED_TOPIC,
          eventPayload: { namespace: 'team-payments', name: 'fresh-db' },
        },
      ]);
      await deleteXr('team-payments', 'fresh-db');
    });

    it('refuses a non-member with a clear error, writing nothing', async () => {
      await expect(
        notInCatalog().create(
          { ...newComponent, owner: 'catalog' },
          { credentials },
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'You may not request databases for component:default/brand-new-service: it is not in the catalog yet, so only members of its owning team catalog may',
      });
      expect(await listXrs('team-catalog')).toEqual([]);
    });

    it('lets a platform member request it for any team', async () => {
      mockPostgresPolicy(permissions, {
        anyTeam: AuthorizeResult.ALLOW,
        component: AuthorizeResult.DENY,
      });
      await notInCatalog().create(
        { ...newComponent, owner: 'catalog', name: 'fresh-catalog-db' },
        { credentials },
      );
      expect(await listXrs('team-catalog')).toHaveLength(1);
      await deleteXr('team-catalog', 'fresh-catalog-db');
    });

    it('refuses an allowed service caller too: it has no team to vouch for the component', async () => {
      await expect(
        notInCatalog().create(newComponent, {
          credentials: mockCredentials.service('plugin:platform-bot'),
        }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(await listXrs()).toEqual([]);
    });
  });

  it('refuses callers the policy does not allow, writing nothing', async () => {
    mockPostgresPolicy(permissions, {
      anyTeam: AuthorizeResult.DENY,
      component: AuthorizeResult.DENY,
    });
    await expect(
      service().create(request, { credentials }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'crossplane.postgres.create',
          }),
          resourceRef: 'component:default/payments-api',
        },
      ],
      { credentials },
    );
    expect(await listXrs()).toEqual([]);
  });

  it('validates with a server-side dry run without storing anything', async () => {
    const result = await service().create(request, {
      credentials,
      dryRun: true,
    });
    expect(result).toMatchObject({
      name: 'orders-db',
      namespace: 'team-payments',
      secretName: 'orders-db-connection',
      dryRun: true,
    });
    expect(await listXrs()).toEqual([]);
  });

  it('gives one XR for 20 identical concurrent requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        service().create(request, { credentials }),
      ),
    );
    expect(results.every(r => r.namespace === 'team-payments')).toBe(true);
    const xrs = await listXrs();
    expect(xrs).toHaveLength(1);
    expect(xrs[0].spec).toMatchObject({
      size: 'small',
      environment: 'staging',
      owner: 'payments',
      connectionSecretName: 'orders-db-connection',
    });
    expect(xrs[0].metadata?.managedFields?.map(f => f.manager)).toContain(
      'developer-portal:component:default/payments-api',
    );
  });

  it('lists the component databases with conditions, without Secret data', async () => {
    await setConditions('orders-db', [
      { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
      { type: 'Ready', status: 'True', reason: 'Available' },
    ]);
    const event = await fetch(
      `${plane.url}/api/v1/namespaces/team-payments/events`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'orders-db.1', namespace: 'team-payments' },
          involvedObject: {
            apiVersion: 'platform.fernhill.io/v1alpha1',
            kind: 'PostgreSQLInstance',
            name: 'orders-db',
            namespace: 'team-payments',
          },
          type: 'Normal',
          reason: 'ComposeResources',
          message: 'Successfully composed resources',
          count: 1,
          lastTimestamp: '2026-11-21T10:00:00Z',
        }),
      },
    );
    expect(event.status).toBe(201);
    const [db, ...rest] = await service().listForComponent(
      'component:default/payments-api',
    );
    expect(rest).toEqual([]);
    expect(db).toMatchObject({
      name: 'orders-db',
      namespace: 'team-payments',
      ready: true,
      synced: true,
      size: 'small',
      environment: 'staging',
      secretName: 'orders-db-connection',
      component: 'component:default/payments-api',
      events: [
        {
          type: 'Normal',
          reason: 'ComposeResources',
          message: 'Successfully composed resources',
          count: 1,
          lastTimestamp: '2026-11-21T10:00:00.000Z',
        },
      ],
    });
    expect(
      (db.object.metadata as Record<string, unknown>).managedFields,
    ).toBeUndefined();
    expect(await service().listForComponent('other-service')).toEqual([]);
    await expect(
      service().waitForReady('team-payments', 'orders-db', 1000),
    ).resolves.toMatchObject({ ready: true });
  });

  it('fails a wait for Ready with the last condition message', async () => {
    await service().create({ ...request, name: 'stuck-db' }, { credentials });
    await setConditions('stuck-db', [
      {
        type: 'Synced',
        status: 'False',
        reason: 'ReconcileError',
        message: 'cannot create role: connection refused',
      },
    ]);
    await expect(
      service().waitForReady('team-payments', 'stuck-db', 100),
    ).rejects.toThrow(
      /stuck-db was not Ready after 0s: Synced=False \(ReconcileError\): cannot create role: connection refused/,
    );
  });

  it('maps 403 from the cluster to NotAllowedError naming verb and resource', async () => {
    await expect(
      service(TEST_PORTAL_TOKEN, { intruders: 'kube-system' }).create(
        { ...request, owner: 'intruders' },
        { credentials },
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /not allowed to get PostgreSQLInstance\/orders-db in namespace kube-system/,
      ),
    });
    await expect(
      service('wrong-token').listForComponent('payments-api'),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('retries and then reports an unreachable API server', async () => {
    const client = KubernetesClusterClient.create({
      cluster: {
        url: 'http://127.0.0.1:1',
        token: TEST_PORTAL_TOKEN,
        skipTLSVerify: true,
      },
      maxAttempts: 2,
      backoffMs: 1,
    });
    await expect(
      client.list(
        POSTGRES_INSTANCE_API_VERSION,
        POSTGRES_INSTANCE_KIND,
        'team-payments',
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/unreachable .* after 2 attempts/),
    });
  });

  it('reads over HTTPS with the cluster CA, and refuses a server it cannot verify', async () => {
    const over = (cluster: { caData?: string; skipTLSVerify?: boolean }) =>
      KubernetesClusterClient.create({
        cluster: {
          url: plane.httpsUrl,
          token: DEFAULT_ADMIN_TOKEN,
          ...cluster,
        },
        maxAttempts: 1,
      }).list(
        POSTGRES_INSTANCE_API_VERSION,
        POSTGRES_INSTANCE_KIND,
        'team-payments',
      );
    await expect(
      over({
        caData: Buffer.from(plane.caCertificate).toString('base64'),
      }),
    ).resolves.toEqual(await listXrs());
    await expect(over({ skipTLSVerify: true })).resolves.toEqual(
      await listXrs(),
    );
    await expect(over({})).rejects.toThrow(
      /Kubernetes request failed: list PostgreSQLInstance in namespace team-payments/,
    );
  });

  describe('a request whose name is taken', () => {
    const checkout = {
      ...request,
      name: 'shared-name-db',
      component: 'component:default/checkout',
    };

    it('refuses to take over another component’s database with a 409 naming its owner', async () => {
      await service().create(request, { credentials });
      for (const dryRun of [true, false]) {
        await expect(
          service().create(
            { ...checkout, name: 'orders-db', deletionPolicy: 'Orphan' },
            { credentials, dryRun },
          ),
        ).rejects.toMatchObject({
          name: 'ConflictError',
          message:
            'Database team-payments/orders-db already exists and belongs to component:default/payments-api of team payments; choose another name',
        });
      }
      const [xr] = (await listXrs()).filter(
        x => x.metadata?.name === 'orders-db',
      );
      expect(xr.metadata?.labels).toMatchObject({
        'backstage.io/component': 'payments-api',
      });
      expect(xr.spec?.deletionPolicy).toBe('Delete');
    });

    it('refuses one created outside the portal', async () => {
      await admin.apply(
        {
          apiVersion: POSTGRES_INSTANCE_API_VERSION,
          kind: POSTGRES_INSTANCE_KIND,
          metadata: { name: 'hand-made-db', namespace: 'team-payments' },
          spec: {
            size: 'small',
            environment: 'dev',
            owner: 'payments',
            connectionSecretName: 'hand-made-db-connection',
          },
        },
        { fieldManager: 'kubectl' },
      );
      await expect(
        service().create({ ...request, name: 'hand-made-db' }, { credentials }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'hand-made-db already exists and was not requested through the portal (owner: team payments)',
        ),
      });
      await deleteXr('team-payments', 'hand-made-db');
    });

    it('gives the name to exactly one of two components racing for it', async () => {
      const results = await Promise.allSettled([
        service().create(checkout, { credentials }),
        service().create(
          { ...checkout, component: 'component:default/payments-api' },
          { credentials },
        ),
      ]);
      const refused = results.flatMap(r =>
        r.status === 'rejected' ? [r.reason] : [],
      );
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /shared-name-db already exists and belongs to component:default\/(checkout|payments-api) of team payments/,
        ),
      });
      const [xr] = (await listXrs()).filter(
        x => x.metadata?.name === 'shared-name-db',
      );
      const winner = results.findIndex(r => r.status === 'fulfilled');
      expect(xr.metadata?.annotations?.['backstage.io/component-ref']).toBe(
        winner === 0
          ? 'component:default/checkout'
          : 'component:default/payments-api',
      );
      await deleteXr('team-payments', 'shared-name-db');
    });

    it('surfaces a conflict with changes made outside the portal instead of forcing', async () => {
      await service().create(
        { ...request, name: 'resized-db' },
        { credentials },
      );
      // The platform team resized it by hand.
      const patched = await fetch(
        `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances/resized-db?fieldManager=kubectl-edit`,
        {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
            'content-type': 'application/merge-patch+json',
          },
          body: JSON.stringify({ spec: { size: 'large' } }),
        },
      );
      expect(patched.status).toBe(200);
      // The same request again, same values as before: SSA would take spec.size back.
      await expect(
        service().create({ ...request, name: 'resized-db' }, { credentials }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /Database team-payments\/resized-db was changed outside the portal .*kubectl-edit.*spec\.size/s,
        ),
      });
      const [xr] = (await listXrs()).filter(
        x => x.metadata?.name === 'resized-db',
      );
      expect(xr.spec?.size).toBe('large');
      // Asking for what it is now is fine.
      await expect(
        service().create(
          { ...request, name: 'resized-db', size: 'large' },
          { credentials },
        ),
      ).resolves.toMatchObject({ name: 'resized-db' });
      await deleteXr('team-payments', 'resized-db');
    });
  });

  describe('the class of service', () => {
    const rdsForProd = () =>
      service(
        TEST_PORTAL_TOKEN,
        {},
        {
          compositionByEnvironment: {
            dev: 'shared-server',
            staging: 'shared-server',
            prod: 'aws-rds',
          },
        },
      );

    it('selects the Composition configured for the environment', async () => {
      const prod = await rdsForProd().create(
        { ...request, name: 'prod-db', environment: 'prod' },
        { credentials, dryRun: true },
      );
      const staging = await rdsForProd().create(
        { ...request, name: 'staging-db' },
        { credentials, dryRun: true },
      );
      expect(prod.provider).toBe('aws-rds');
      expect(prod.instance?.object.spec).toMatchObject({
        crossplane: {
          compositionSelector: {
            matchLabels: { 'platform.fernhill.io/provider': 'aws-rds' },
          },
        },
      });
      expect(staging.provider).toBe('shared-server');
      expect(staging.instance?.provider).toBe('shared-server');
    });

    it('refuses to move an existing database to another class of service', async () => {
      await rdsForProd().create(
        { ...request, name: 'promoted-db' },
        { credentials },
      );
      await expect(
        rdsForProd().create(
          { ...request, name: 'promoted-db', environment: 'prod' },
          { credentials },
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'promoted-db already exists on shared-server, and a prod database gets aws-rds',
        ),
      });
      await deleteXr('team-payments', 'promoted-db');
    });
  });

  describe('waiting for Ready', () => {
    it('does not take the previous generation’s Ready for the latest request', async () => {
      await service().create({ ...request, name: 'regen-db' }, { credentials });
      await setConditions('regen-db', [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Available',
          observedGeneration: 1,
        },
      ]);
      await expect(
        service().waitForReady('team-payments', 'regen-db', 1000),
      ).resolves.toMatchObject({ ready: true });

      // A changed request: generation 2, the reconciler has not looked yet.
      const resized = await service().create(
        { ...request, name: 'regen-db', size: 'medium' },
        { credentials },
      );
      expect(resized.ready).toBe(false);
      await expect(
        service().waitForReady('team-payments', 'regen-db', 100),
      ).rejects.toThrow(
        /regen-db was not Ready after 0s: Ready=True is for generation 1, but the request is at generation 2/,
      );

      await setConditions('regen-db', [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Available',
          observedGeneration: 2,
        },
      ]);
      await expect(
        service().waitForReady('team-payments', 'regen-db', 1000),
      ).resolves.toMatchObject({ ready: true, size: 'medium' });
      await deleteXr('team-payments', 'regen-db');
    });

    it('tells the waiting caller why the database is not Ready each time the reason changes', async () => {
      await service().create({ ...request, name: 'told-db' }, { credentials });
      const told: string[] = [];
      const waiting = service().waitForReady(
        'team-payments',
        'told-db',
        10_000,
        {
          onNotReady: explanation => told.push(explanation),
        },
      );
      const broken = {
        type: 'Synced',
        status: 'False',
        reason: 'ReconcileError',
        message:
          'cannot render composition: template: manifests:3: error calling index: index of untyped nil',
      };
      const toldAtLeast = async (count: number) => {
        for (let i = 0; told.length < count && i < 500; i++) {
          await new Promise(resolve => setTimeout(resolve, 10));
        }
      };
      await toldAtLeast(1);
      await setConditions('told-db', [broken]);
      await toldAtLeast(2);
      await setConditions('told-db', [
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
        {
          type: 'Ready',
          status: 'True',
          reason: 'Available',
          observedGeneration: 1,
        },
      ]);
      await expect(waiting).resolves.toMatchObject({ ready: true });
      expect(told).toEqual([
        'no conditions reported yet',
        'Synced=False (ReconcileError): cannot render composition: template: manifests:3: error calling index: index of untyped nil',
      ]);
      await deleteXr('team-payments', 'told-db');
    });

    it('stops at once when its signal aborts', async () => {
      await service().create(
        { ...request, name: 'abandoned-db' },
        { credentials },
      );
      const controller = new AbortController();
      const waiting = service().waitForReady(
        'team-payments',
        'abandoned-db',
        10 * 60_000,
        { signal: controller.signal },
      );
      controller.abort();
      await expect(waiting).rejects.toMatchObject({
        name: 'AbortError',
        message: expect.stringContaining(
          'Stopped waiting for database team-payments/abandoned-db to be Ready',
        ),
      });
      await deleteXr('team-payments', 'abandoned-db');
    });
  });

  describe('service callers', () => {
    it('refuses a service principal that is not in crossplane.serviceCallers, writing nothing', async () => {
      // What the permission framework answers for every service principal.
      mockPostgresPolicy(permissions, {
        anyTeam: AuthorizeResult.ALLOW,
        component: AuthorizeResult.ALLOW,
      });
      await expect(
        service().create(
          { ...request, name: 'bot-db' },
          { credentials: mockCredentials.service('plugin:catalog') },
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'The service plugin:catalog may not request databases: only users may, and services listed in crossplane.serviceCallers',
      });
      expect(await listXrs()).not.toContainEqual(
        expect.objectContaining({
          metadata: expect.objectContaining({ name: 'bot-db' }),
        }),
      );
    });

    it('lets a listed service request for a component in the catalog, subject to the permission check', async () => {
      const bot = mockCredentials.service('plugin:platform-bot');
      mockPostgresPolicy(permissions, {
        anyTeam: AuthorizeResult.DENY,
        component: AuthorizeResult.DENY,
      });
      await expect(
        service().create({ ...request, name: 'bot-db' }, { credentials: bot }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      mockPostgresPolicy(permissions, { anyTeam: AuthorizeResult.DENY });
      await expect(
        service().create(
          { ...request, name: 'bot-db', owner: 'catalog' },
          { credentials: bot, dryRun: true },
        ),
      ).resolves.toMatchObject({ namespace: 'team-catalog' });
    });

    it('refuses callers that are neither users nor services', async () => {
      await expect(
        service().create(request, { credentials: mockCredentials.none() }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    });
  });
});
