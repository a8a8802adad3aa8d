import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import fc from 'fast-check';
import { databaseResourceEntity } from './databaseResourceEntity';

const policies = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

const context = {
  clusterUrl: 'https://k8s.example:6443/',
  systemOf: (ref: string) =>
    ref === 'component:default/payments-api' ? 'checkout' : undefined,
};

const xr = (overrides: Record<string, any> = {}) => ({
  apiVersion: 'platform.fernhill.io/v1alpha1',
  kind: 'PostgreSQLInstance',
  metadata: {
    name: 'orders-db',
    namespace: 'team-payments',
    annotations: {
      'backstage.io/component-ref': 'component:default/payments-api',
    },
  },
  spec: {
    size: 'small',
    environment: 'prod',
    owner: 'payments',
    connectionSecretName: 'orders-db-connection',
    region: 'eu-west-1',
  },
  ...overrides,
});

describe('databaseResourceEntity', () => {
  it('maps an XR to a database Resource with its status', () => {
    expect(databaseResourceEntity(xr(), context)).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'team-payments.orders-db',
        namespace: 'default',
        title: 'orders-db',
        description:
          'PostgreSQL database (small, prod) for payments-api, requested through the portal. Status: Provisioning. Credentials in Secret orders-db-connection in namespace team-payments.',
        annotations: {
          'backstage.io/managed-by-location':
            'crossplane:https://k8s.example:6443/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances/orders-db',
          'backstage.io/managed-by-origin-location':
            'crossplane:https://k8s.example:6443/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances/orders-db',
          'fernhill.io/crossplane-xr':
            'platform.fernhill.io/v1alpha1/PostgreSQLInstance/team-payments/orders-db',
          'backstage.io/kubernetes-namespace': 'team-payments',
          'fernhill.io/database-ready': 'false',
          'fernhill.io/database-status': 'Provisioning',
          'fernhill.io/database-conditions': 'no conditions reported yet',
          'fernhill.io/database-size': 'small',
          'fernhill.io/database-environment': 'prod',
          'fernhill.io/database-region': 'eu-west-1',
          'fernhill.io/database-secret-name': 'orders-db-connection',
        },
        tags: ['postgresql', 'prod'],
      },
      spec: {
        type: 'database',
        owner: 'group:default/payments',
        dependencyOf: ['component:default/payments-api'],
        system: 'checkout',
      },
    });
  });

  it('skips XRs it cannot attribute', () => {
    expect(
      databaseResourceEntity(
        xr({ metadata: { name: 'x', namespace: 'team-payments' } }),
        context,
      ),
    ).toBeUndefined();
    expect(databaseResourceEntity(xr({ spec: {} }), context)).toBeUndefined();
  });

  it('yields a valid entity, or none, for arbitrary hostile XRs, without Secret data', async () => {
    const anyText = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 3000 }),
      fc.constantFrom('', ' ', 'Ready', 'True', '<script>', 'a'.repeat(5000)),
    );
    const condition = fc.record(
      {
        type: fc.oneof(fc.constantFrom('Ready', 'Synced'), anyText),
        status: fc.oneof(fc.constantFrom('True', 'False', 'Unknown'), anyText),
        reason: anyText,
        message: anyText,
      },
      { requiredKeys: ['type', 'status'] },
    );
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,40}[a-z0-9]$/);
    const arbitraryXr = fc.record({
      apiVersion: fc.constant('platform.fernhill.io/v1alpha1'),
      kind: fc.constant('PostgreSQLInstance'),
      metadata: fc.record({
        name: label,
        namespace: label,
        annotations: fc.record({
          'backstage.io/component-ref': fc.oneof(
            fc.constant('component:default/payments-api'),
            label.map(n => `component:default/${n}`),
          ),
        }),
      }),
      spec: fc.record(
        {
          owner: label,
          size: fc.oneof(fc.constantFrom('small', 'large'), anyText),
          environment: fc.oneof(fc.constantFrom('dev', 'prod'), anyText),
          region: anyText,
          connectionSecretName: anyText,
          password: fc.constant('spec-password-value'),
        },
        { requiredKeys: ['owner'] },
      ),
      status: fc.record({
        conditions: fc.array(condition, { maxLength: 6 }),
        endpoint: anyText,
        password: fc.constant('status-password-value'),
      }),
    });
    await fc.assert(
      fc.asyncProperty(arbitraryXr, async object => {
        const entity = databaseResourceEntity(object as any, context);
        if (!entity) return;
        await policies.enforce(entity);
        expect(await resourceEntityV1alpha1Validator.check(entity)).toBe(true);
        expect(JSON.stringify(entity)).not.toContain('password-value');
        for (const value of Object.values(entity.metadata.annotations!)) {
          expect(value.length).toBeLessThanOrEqual(1024);
        }
      }),
      { numRuns: 300 },
    );
  });
});
