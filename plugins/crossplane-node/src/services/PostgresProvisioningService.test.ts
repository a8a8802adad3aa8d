import {
  DEFAULT_ADMIN_TOKEN,
  LocalControlPlane,
} from '@internal/local-control-plane';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  TEST_PORTAL_TOKEN,
  loadKubernetesClientNatively,
  mockPostgresPolicy,
  startTestControlPlane,
  testClusterConfig,
} from '../testUtils';
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
      ...extra,
      client: KubernetesClusterClient.create({
        cluster: testClusterConfig(plane, token),
        loadClient: loadKubernetesClientNatively,
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
  const setConditions = async (name: string, conditions: object[]) => {
    const response = await fetch(
      `${plane.url}/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances/${name}/status`,
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
      loadClient: loadKubernetesClientNatively,
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

    it('leaves a service principal to the permission check on the component', async () => {
      mockPostgresPolicy(permissions, {
        anyTeam: AuthorizeResult.DENY,
        component: AuthorizeResult.DENY,
      });
      await expect(
        notInCatalog().create(newComponent, {
          credentials: mockCredentials.service('plugin:cli'),
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
      'developer-portal',
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
        /not allowed to patch PostgreSQLInstance\/orders-db in namespace kube-system/,
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
      loadClient: loadKubernetesClientNatively,
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
});
