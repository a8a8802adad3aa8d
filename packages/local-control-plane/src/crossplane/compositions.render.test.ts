import { join } from 'node:path';
import { JsonObject, KubeObject } from '../api/objects';
import { autoReady, unreadyResources } from './autoReady';
import {
  ObservedComposed,
  renderComposition,
  RenderResult,
} from './composeRenderer';
import { findCrossplaneDir, readManifests } from './manifests';

/**
 * Both Compositions rendered with Go's text/template + sprig as function-go-templating v0.11 renders
 * them (go/compose-render), for a new XR (no observed resources: protojson leaves the key out) and for
 * later reconciles, and the rendered managed resources checked against the providers' API fields.
 */
const dir = findCrossplaneDir();
const composition = (file: string) => readManifests(join(dir, file))[0];
const sharedServer = composition('composition-shared-server.yaml');
const rds = composition('composition-aws-rds.yaml');
const sizes = readManifests(join(dir, 'environment-sizes.yaml'))[0];
/** What function-environment-configs puts in the pipeline context. */
const context = {
  'apiextensions.crossplane.io/environment': {
    apiVersion: 'internal.crossplane.io/v1alpha1',
    kind: 'Environment',
    ...(sizes.data as JsonObject),
  },
} as JsonObject;

jest.setTimeout(60_000);

/**
 * spec.forProvider fields of the managed resources, from the providers' API types:
 * provider-sql v0.13 apis/namespaced/postgresql/v1alpha1 (role_types.go, database_types.go,
 * grant_types.go) and provider-upjet-aws v2.1 rds.aws.m.upbound.io/v1beta1 Instance (the subset of
 * its ~90 fields a Composition may reasonably use).
 */
const FOR_PROVIDER: Record<string, string[]> = {
  'postgresql.sql.m.crossplane.io/v1alpha1 Role': [
    'connectionLimit',
    'privileges',
    'passwordSecretRef',
    'configurationParameters',
  ],
  'postgresql.sql.m.crossplane.io/v1alpha1 Database': [
    'owner',
    'template',
    'encoding',
    'lcCollate',
    'lcCType',
    'allowConnections',
    'connectionLimit',
    'isTemplate',
    'tablespace',
  ],
  'postgresql.sql.m.crossplane.io/v1alpha1 Grant': [
    'privileges',
    'withOption',
    'role',
    'roleRef',
    'roleSelector',
    'database',
    'databaseRef',
    'databaseSelector',
    'schema',
    'memberOf',
    'memberOfRef',
    'memberOfSelector',
    'revokePublicOnDb',
  ],
  'rds.aws.m.upbound.io/v1beta1 Instance': [
    'region',
    'engine',
    'engineVersion',
    'instanceClass',
    'allocatedStorage',
    'maxAllocatedStorage',
    'storageType',
    'storageEncrypted',
    'backupRetentionPeriod',
    'backupWindow',
    'copyTagsToSnapshot',
    'multiAz',
    'deletionProtection',
    'skipFinalSnapshot',
    'finalSnapshotIdentifier',
    'publiclyAccessible',
    'dbName',
    'username',
    'autoGeneratePassword',
    'passwordSecretRef',
    'dbSubnetGroupName',
    'vpcSecurityGroupIdSelector',
    'vpcSecurityGroupIds',
    'tags',
  ],
};
const ROLE_PRIVILEGES = [
  'superUser',
  'createDb',
  'createRole',
  'login',
  'inherit',
  'replication',
  'bypassRls',
];
/** crossplane-runtime v2 NamespacedSelector. */
const SELECTOR_FIELDS = [
  'matchLabels',
  'matchControllerRef',
  'policy',
  'namespace',
];
const MANAGEMENT_POLICIES = [
  '*',
  'Observe',
  'Create',
  'Update',
  'Delete',
  'LateInitialize',
];

function xr(
  namespace: string,
  name: string,
  spec: JsonObject = {},
  metadata: JsonObject = {},
): KubeObject {
  return {
    apiVersion: 'platform.fernhill.io/v1alpha1',
    kind: 'PostgreSQLInstance',
    metadata: {
      name,
      namespace,
      uid: '6f1c2a9e-0b7d-4c1e-9a55-3d2f8e7b1c40',
      ...metadata,
    },
    spec: {
      size: 'small',
      environment: 'staging',
      owner: 'search',
      connectionSecretName: `${name}-connection`,
      region: 'eu-west-1',
      backupRetentionDays: 7,
      deletionPolicy: 'Delete',
      engineVersion: '16',
      ...spec,
    },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => Buffer.from(String(s), 'base64').toString();

/** Checks a rendered managed resource against its provider's API. */
function expectProviderFields(resource: KubeObject) {
  const key = `${resource.apiVersion} ${resource.kind}`;
  if (resource.apiVersion === 'v1') return;
  if (key === 'protection.crossplane.io/v1beta1 Usage') {
    // Crossplane v2 protection.crossplane.io Usage (namespaced).
    const spec = resource.spec as JsonObject;
    for (const f of Object.keys(spec)) {
      expect(['of', 'by', 'reason', 'replayDeletion']).toContain(f);
    }
    for (const side of ['of', 'by']) {
      for (const f of Object.keys(spec[side] as JsonObject)) {
        expect([
          'apiVersion',
          'kind',
          'resourceRef',
          'resourceSelector',
        ]).toContain(f);
      }
    }
    return;
  }
  const allowed = FOR_PROVIDER[key];
  expect({ key, known: !!allowed }).toEqual({ key, known: true });
  const spec = resource.spec as JsonObject;
  const forProvider = spec.forProvider as JsonObject;
  for (const field of Object.keys(forProvider)) {
    expect({ key, field, allowed: allowed.includes(field) }).toEqual({
      key,
      field,
      allowed: true,
    });
  }
  for (const policy of spec.managementPolicies as string[]) {
    expect(MANAGEMENT_POLICIES).toContain(policy);
  }
  expect(spec.providerConfigRef).toMatchObject({
    kind: 'ClusterProviderConfig',
  });
  if (resource.kind === 'Role') {
    for (const p of Object.keys(forProvider.privileges as JsonObject)) {
      expect(ROLE_PRIVILEGES).toContain(p);
    }
    expect(typeof forProvider.connectionLimit).toBe('number');
  }
  for (const [field, value] of Object.entries(forProvider)) {
    if (field.endsWith('Selector')) {
      for (const f of Object.keys(value as JsonObject)) {
        expect(SELECTOR_FIELDS).toContain(f);
      }
    }
  }
  // Namespaced managed resources take a local Secret reference (name only).
  const ref = spec.writeConnectionSecretToRef as JsonObject | undefined;
  if (ref) expect(Object.keys(ref)).toEqual(['name']);
}

/** What Crossplane observes after applying the rendered resources and the providers acting on them. */
function observedAfter(
  result: RenderResult,
  details: Record<string, Record<string, string>> = {},
): Record<string, ObservedComposed> {
  const observed: Record<string, ObservedComposed> = {};
  for (const [name, d] of Object.entries(result.resources)) {
    const managed = d.resource.apiVersion !== 'v1';
    observed[name] = {
      resource: {
        ...d.resource,
        ...(managed
          ? {
              status: {
                conditions: [
                  {
                    type: 'Synced',
                    status: 'True',
                    reason: 'ReconcileSuccess',
                  },
                  { type: 'Ready', status: 'True', reason: 'Available' },
                ],
              },
            }
          : {}),
      },
      ...(details[name] ? { connectionDetails: details[name] } : {}),
    };
  }
  return observed;
}

describe('the shared-server Composition rendered as function-go-templating does', () => {
  const render = (x: KubeObject, observed?: Record<string, ObservedComposed>) =>
    renderComposition({ composition: sharedServer, xr: x, observed, context });

  it('composes on the first reconcile, when the request has no observed resources', async () => {
    const result = await render(xr('team-search', 'ml-index'));
    expect(result.order).toEqual([
      'password',
      'role',
      'password-usage',
      'database',
      'grant',
    ]);
    for (const d of Object.values(result.resources))
      expectProviderFields(d.resource);
    expect(result.resources['connection-secret']).toBeUndefined();
    expect(result.compositeStatus).toEqual({});
    // The XR must not turn Ready before the role published the credentials for its Secret.
    expect(result.resources.role.ready).toBe('False');
    expect(
      unreadyResources(autoReady(result.resources, observedAfter(result))),
    ).toEqual(['role']);
  });

  it('keeps the role password in a Secret of its own, generated once and reused', async () => {
    const first = await render(xr('team-search', 'ml-index'));
    const password = first.resources.password;
    expect(password.ready).toBe('True');
    const role = first.resources.role.resource.spec as any;
    expect(role.forProvider.passwordSecretRef).toEqual({
      name: password.resource.metadata.name,
      key: 'password',
    });
    expect(unb64((password.resource.data as any).password)).toMatch(
      /^[A-Za-z0-9]{32}$/,
    );
    const again = await render(
      xr('team-search', 'ml-index'),
      observedAfter(first),
    );
    expect(again.resources.password.resource.data).toEqual(
      password.resource.data,
    );
  });

  it('composes the connection Secret, marked ready, once the role published its connection details', async () => {
    const x = xr('team-search', 'ml-index');
    const first = await render(x);
    const pgName =
      first.resources.role.resource.metadata.annotations![
        'crossplane.io/external-name'
      ];
    const later = await render(
      x,
      observedAfter(first, {
        role: {
          username: b64(pgName),
          password: b64('s3cret/+='),
          endpoint: b64('shared-postgres.internal'),
          port: b64('5432'),
        },
      }),
    );
    const secret = later.resources['connection-secret'];
    expect(secret.ready).toBe('True');
    expect(later.resources.role.ready).toBe('Unspecified');
    expect(secret.resource.metadata.name).toBe('ml-index-connection');
    const data = secret.resource.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(
      ['database', 'host', 'password', 'port', 'uri', 'username'].sort(),
    );
    expect(unb64(data.uri)).toBe(
      `postgresql://${pgName}:s3cret%2F%2B%3D@shared-postgres.internal:5432/${pgName}`,
    );
    expect(later.compositeStatus).toEqual({
      endpoint: 'shared-postgres.internal:5432',
      database: pgName,
      secretName: 'ml-index-connection',
    });
    // function-auto-ready: the managed resources are Ready, the Secrets are marked ready.
    const ready = autoReady(later.resources, observedAfter(later));
    expect(unreadyResources(ready)).toEqual([]);
  });

  it('revokes CONNECT from PUBLIC in the Grant, so other teams cannot connect', async () => {
    const result = await render(xr('team-search', 'ml-index'));
    expect(result.resources.grant.resource.spec).toMatchObject({
      forProvider: {
        privileges: ['ALL'],
        revokePublicOnDb: true,
        roleRef: { name: 'ml-index' },
        databaseRef: { name: 'ml-index' },
      },
    });
  });

  it('gives XRs whose <namespace>_<name> coincide different role and database names', async () => {
    const names = async (ns: string, name: string) => {
      const r = await render(xr(ns, name));
      return [r.resources.role, r.resources.database].map(
        d => d.resource.metadata.annotations!['crossplane.io/external-name'],
      );
    };
    const [roleA, dbA] = await names('team-search', 'ml-index');
    const [roleB, dbB] = await names('team-search-ml', 'index');
    expect(roleA).toBe(dbA);
    expect(roleA).not.toBe(roleB);
    expect(dbA).not.toBe(dbB);
    const long = await names('team-search', `${'x'.repeat(200)}-a`);
    const long2 = await names('team-search', `${'x'.repeat(200)}-b`);
    expect(long[0]).not.toBe(long2[0]);
    for (const n of [roleA, roleB, long[0], long2[0]]) {
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(63);
      expect(n).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('leaves Delete out of the management policies for deletionPolicy Orphan', async () => {
    const result = await render(
      xr('team-search', 'kept', { deletionPolicy: 'Orphan' }),
    );
    for (const name of ['role', 'database', 'grant']) {
      expect(
        (result.resources[name].resource.spec as any).managementPolicies,
      ).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
    }
  });
});

describe('the RDS Composition rendered as function-go-templating does', () => {
  const render = (x: KubeObject, observed?: Record<string, ObservedComposed>) =>
    renderComposition({ composition: rds, xr: x, observed, context });
  const forProvider = (r: RenderResult) =>
    (r.resources['rds-instance'].resource.spec as any).forProvider;

  it('composes the instance on the first reconcile and the connection Secret, marked ready, later', async () => {
    const x = xr('team-payments', 'ledger', {
      environment: 'prod',
      backupRetentionDays: 14,
    });
    const first = await render(x);
    expect(first.order).toEqual(['rds-instance']);
    expect(first.resources['rds-instance'].ready).toBe('False');
    expectProviderFields(first.resources['rds-instance'].resource);
    const later = await render(
      x,
      observedAfter(first, {
        'rds-instance': {
          address: b64('ledger.abc.eu-west-1.rds.amazonaws.com'),
          port: b64('5432'),
          username: b64('team_payments_le'),
          password: b64('pw'),
        },
      }),
    );
    expect(later.resources['connection-secret'].ready).toBe('True');
    expect(
      unreadyResources(autoReady(later.resources, observedAfter(later))),
    ).toEqual([]);
  });

  it('names the instance uniquely per namespace and its final snapshot per XR incarnation', async () => {
    const a = await render(xr('team-a', 'db', { environment: 'prod' }));
    const b = await render(xr('team-b', 'db', { environment: 'prod' }));
    const again = await render(
      xr(
        'team-a',
        'db',
        { environment: 'prod' },
        { uid: '0b0e3c1d-7a5f-4e8e-8a61-9c2b4d6e8f10' },
      ),
    );
    const id = (r: RenderResult) =>
      r.resources['rds-instance'].resource.metadata.annotations![
        'crossplane.io/external-name'
      ];
    expect(id(a)).not.toBe(id(b));
    expect(id(a)).toBe(id(again));
    expect(id(a)).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
    expect(forProvider(a).finalSnapshotIdentifier).not.toBe(
      forProvider(b).finalSnapshotIdentifier,
    );
    expect(forProvider(a).finalSnapshotIdentifier).not.toBe(
      forProvider(again).finalSnapshotIdentifier,
    );
    for (const r of [a, b, again]) {
      expect(forProvider(r).finalSnapshotIdentifier).toMatch(
        /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
      );
    }
  });

  it('selects the security groups in the platform namespace, not the team namespace', async () => {
    const r = await render(xr('team-a', 'db'));
    expect(forProvider(r).vpcSecurityGroupIdSelector).toEqual({
      namespace: 'platform-network',
      matchLabels: { 'platform.fernhill.io/security-group': 'databases' },
    });
  });

  it('protects prod from deletion until the platform team allows it on the XR', async () => {
    const prod = await render(xr('team-a', 'db', { environment: 'prod' }));
    expect(forProvider(prod)).toMatchObject({
      deletionProtection: true,
      skipFinalSnapshot: false,
      multiAz: true,
    });
    const allowed = await render(
      xr(
        'team-a',
        'db',
        { environment: 'prod' },
        {
          annotations: { 'platform.fernhill.io/allow-deletion': 'true' },
        },
      ),
    );
    expect(forProvider(allowed)).toMatchObject({
      deletionProtection: false,
      skipFinalSnapshot: false,
    });
    const staging = await render(xr('team-a', 'db'));
    expect(forProvider(staging)).toMatchObject({
      deletionProtection: false,
      skipFinalSnapshot: true,
    });
    expect(forProvider(staging).finalSnapshotIdentifier).toBeUndefined();
  });
});
