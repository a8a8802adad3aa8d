import { mockServices } from '@backstage/backend-test-utils';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { KubernetesClusterClient } from '@internal/plugin-crossplane-node';
import { READY_STATUS, startControlPlane } from '../__testUtils__/controlPlane';
import { CrossplaneDatabaseEntityProvider } from './CrossplaneDatabaseEntityProvider';

// The control plane and the Kubernetes client load slowly on a busy machine.
jest.setTimeout(30_000);

const components: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'payments',
      system: 'payments',
    },
  },
];

describe('CrossplaneDatabaseEntityProvider against the local control plane', () => {
  let controlPlane: Awaited<ReturnType<typeof startControlPlane>>;
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      mutations.push(mutation);
    },
    refresh: async () => {},
  };

  const provider = (cluster = controlPlane.cluster) =>
    CrossplaneDatabaseEntityProvider.create({
      client: KubernetesClusterClient.create({
        cluster,
        maxAttempts: 2,
        backoffMs: 1,
      }),
      clusterUrl: cluster.url,
      teamNamespaces: {
        payments: 'team-payments',
        catalog: 'team-catalog',
      },
      catalog: catalogServiceMock({ entities: components }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });

  const lastEntities = () => {
    const last = mutations[mutations.length - 1];
    if (last.type !== 'full') throw new Error('expected a full mutation');
    return last.entities;
  };
  const entityNamed = (name: string) =>
    lastEntities().find(e => e.entity.metadata.name === name);

  beforeAll(async () => {
    controlPlane = await startControlPlane();
  });
  afterAll(() => controlPlane?.stop());
  beforeEach(() => {
    mutations.length = 0;
  });

  it('emits one database Resource per XR, owned by the team and depending on the component', async () => {
    await controlPlane.createXr('team-payments', 'orders-db', {
      owner: 'payments',
      component: 'component:default/payments-api',
    });
    await controlPlane.createXr('team-catalog', 'orders-db', {
      owner: 'catalog',
      component: 'component:default/not-yet-in-catalog',
      size: 'large',
    });
    // Not written by the portal: nothing tells whose it is, so no entity.
    await controlPlane.createXr('team-catalog', 'hand-made-db', {
      owner: 'catalog',
    });

    const p = provider();
    await p.connect(connection);
    await p.refresh();

    expect(lastEntities()).toHaveLength(2);
    const payments = entityNamed('team-payments.orders-db')!;
    expect(payments.locationKey).toBe(
      'crossplane-postgres:platform.fernhill.io/v1alpha1/PostgreSQLInstance/team-payments/orders-db',
    );
    expect(payments.entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        namespace: 'default',
        title: 'orders-db',
        annotations: {
          'fernhill.io/database-ready': 'false',
          'fernhill.io/database-status': 'Provisioning',
          'fernhill.io/database-size': 'small',
          'fernhill.io/database-environment': 'staging',
          'fernhill.io/database-secret-name': 'orders-db-connection',
          'backstage.io/kubernetes-namespace': 'team-payments',
        },
      },
      spec: {
        type: 'database',
        owner: 'group:default/payments',
        dependencyOf: ['component:default/payments-api'],
        system: 'payments',
      },
    });
    const other = entityNamed('team-catalog.orders-db')!;
    expect(other.entity.spec).toEqual({
      type: 'database',
      owner: 'group:default/catalog',
      dependencyOf: ['component:default/not-yet-in-catalog'],
    });
    // Every entity passes the catalog's own validation.
    const policies = EntityPolicies.allOf([
      new SchemaValidEntityPolicy(),
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
    ]);
    for (const { entity } of lastEntities()) {
      await expect(policies.enforce(entity)).resolves.toBeDefined();
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
  });

  it('keeps the status current and never copies Secret data', async () => {
    await controlPlane.createSecret(
      'team-payments',
      'orders-db-connection',
      'hunter2-secret-password',
    );
    await controlPlane.setStatus('team-payments', 'orders-db', READY_STATUS);
    const p = provider();
    await p.connect(connection);
    await p.refresh();
    const entity = entityNamed('team-payments.orders-db')!.entity;
    expect(entity.metadata.annotations).toMatchObject({
      'fernhill.io/database-ready': 'true',
      'fernhill.io/database-status': 'Ready',
      'fernhill.io/database-conditions':
        'Synced=True (ReconcileSuccess); Ready=True (Available)',
    });
    expect(JSON.stringify(mutations)).not.toMatch(/hunter2|password/i);

    await controlPlane.setStatus('team-payments', 'orders-db', {
      conditions: [
        {
          type: 'Synced',
          status: 'False',
          reason: 'ReconcileError',
          message: 'cannot create role: permission denied',
        },
        { type: 'Ready', status: 'False', reason: 'Unavailable' },
      ],
    });
    await p.refresh();
    expect(
      entityNamed('team-payments.orders-db')!.entity.metadata.annotations,
    ).toMatchObject({
      'fernhill.io/database-ready': 'false',
      'fernhill.io/database-status': 'Failing',
      'fernhill.io/database-conditions': expect.stringContaining(
        'cannot create role: permission denied',
      ),
    });
  });

  it('drops a deleted database with the next full mutation, with stable location keys', async () => {
    const p = provider();
    await p.connect(connection);
    await p.refresh();
    const before = lastEntities().map(e => e.locationKey);
    await p.refresh();
    expect(lastEntities().map(e => e.locationKey)).toEqual(before);

    await controlPlane.deleteXr('team-catalog', 'orders-db');
    await p.refresh();
    expect(lastEntities().map(e => e.entity.metadata.name)).toEqual([
      'team-payments.orders-db',
    ]);
  });

  it('runs one refresh at a time, once more when asked during one', async () => {
    const p = provider();
    await p.connect(connection);
    await Promise.all([p.refresh(), p.refresh(), p.refresh(), p.refresh()]);
    expect(mutations.length).toBeGreaterThanOrEqual(1);
    expect(mutations.length).toBeLessThanOrEqual(2);
  });

  it('leaves the catalog alone when the cluster cannot be read', async () => {
    const p = provider({
      ...controlPlane.cluster,
      url: 'https://127.0.0.1:1',
    });
    await p.connect(connection);
    await expect(p.refresh()).rejects.toThrow(/unreachable/);
    const denied = provider({ ...controlPlane.cluster, token: 'wrong' });
    await denied.connect(connection);
    await expect(denied.refresh()).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(mutations).toEqual([]);
  });
});
