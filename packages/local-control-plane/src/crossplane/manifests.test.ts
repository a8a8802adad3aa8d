import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateCelRules } from '../api/celValidation';
import { JsonObject, KubeObject } from '../api/objects';
import { validateAgainstSchema } from '../api/schemaValidation';
import { findCrossplaneDir, readManifests } from './manifests';
import { xrdToCrd } from './xrdToCrd';

const dir = findCrossplaneDir();
const xrd = readManifests(join(dir, 'xrd.yaml'))[0];
const version = (xrd.spec as any).versions[0];
const schema = version.schema.openAPIV3Schema as JsonObject;
const specSchema = (schema.properties as any).spec;
const sizes = readManifests(join(dir, 'environment-sizes.yaml'))[0];
const compositions = readdirSync(dir)
  .filter(f => f.startsWith('composition-'))
  .flatMap(f => readManifests(join(dir, f)));
const rbac = readdirSync(join(dir, 'rbac')).flatMap(f =>
  readManifests(join(dir, 'rbac', f)),
);
const example = readManifests(
  join(dir, 'examples', 'postgresqlinstance.yaml'),
)[0];

function templateOf(composition: KubeObject): string {
  const steps = (composition.spec as any).pipeline as any[];
  return steps.find(s => s.functionRef.name === 'function-go-templating').input
    .inline.template;
}

describe('the PostgreSQLInstance XRD', () => {
  it('is a namespaced Crossplane v2 XRD in the platform group', () => {
    expect(xrd.apiVersion).toBe('apiextensions.crossplane.io/v2');
    expect(xrd.kind).toBe('CompositeResourceDefinition');
    expect(xrd.metadata.name).toBe('postgresqlinstances.platform.fernhill.io');
    expect(xrd.spec).toMatchObject({
      group: 'platform.fernhill.io',
      scope: 'Namespaced',
      names: { kind: 'PostgreSQLInstance', plural: 'postgresqlinstances' },
      defaultCompositionRef: { name: 'postgresqlinstances-shared-server' },
    });
    expect(version).toMatchObject({ served: true, referenceable: true });
  });

  it('requires the fields the platform needs and constrains them', () => {
    expect(specSchema.required.sort()).toEqual(
      ['connectionSecretName', 'environment', 'owner', 'size'].sort(),
    );
    const p = specSchema.properties;
    expect(p.size.enum).toEqual(['small', 'medium', 'large']);
    expect(p.environment.enum).toEqual(['dev', 'staging', 'prod']);
    expect(p.deletionPolicy).toMatchObject({
      enum: ['Delete', 'Orphan'],
      default: 'Delete',
    });
    expect(p.backupRetentionDays).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 35,
    });
    expect(p.region.type).toBe('string');
    expect(p.connectionSecretName.pattern).toBeDefined();
    expect(p.owner.maxLength).toBe(63);
  });

  it('reports readiness data in status (conditions are added by Crossplane)', () => {
    const status = (schema.properties as any).status.properties;
    expect(Object.keys(status)).toEqual(expect.arrayContaining(['endpoint']));
    const crd = xrdToCrd(xrd);
    const crdStatus = (crd.spec as any).versions[0].schema.openAPIV3Schema
      .properties.status.properties;
    expect(crdStatus.conditions.type).toBe('array');
    expect(crdStatus.endpoint.type).toBe('string');
  });

  it('accepts the example and rejects bad sizes, names and retention', () => {
    expect(
      validateAgainstSchema(example as unknown as JsonObject, schema),
    ).toEqual([]);
    const bad = {
      ...example,
      spec: {
        ...(example.spec as object),
        size: 'huge',
        backupRetentionDays: 90,
        owner: 'Payments',
      },
    };
    const fields = validateAgainstSchema(
      bad as unknown as JsonObject,
      schema,
    ).map(c => c.field);
    expect(fields.sort()).toEqual([
      'spec.backupRetentionDays',
      'spec.owner',
      'spec.size',
    ]);
    const missing = { ...example, spec: { size: 'small' } };
    expect(
      validateAgainstSchema(missing as unknown as JsonObject, schema)
        .map(c => c.field)
        .sort(),
    ).toEqual(['spec.connectionSecretName', 'spec.environment', 'spec.owner']);
  });
});

/**
 * The XRD's `x-kubernetes-validations` as the local API server evaluates them (CEL, as kube-apiserver
 * does): `self` is the spec, and rules that mention `oldSelf` (transition rules) run only on updates.
 * Returns the messages of the rules that fail.
 */
function celViolations(spec: JsonObject, oldSpec?: JsonObject): string[] {
  return validateCelRules(
    { spec },
    schema,
    oldSpec ? { spec: oldSpec } : undefined,
  ).map(cause => cause.message.replace(/^Invalid value: "object": /, ''));
}

describe('the XRD validation rules (CEL, enforced by the API server)', () => {
  const spec = (overrides: JsonObject = {}): JsonObject => ({
    size: 'small',
    environment: 'prod',
    owner: 'payments',
    connectionSecretName: 'db-connection',
    region: 'eu-west-1',
    backupRetentionDays: 7,
    deletionPolicy: 'Delete',
    engineVersion: '16',
    ...overrides,
  });

  it('requires at least 7 backup days in prod, and only there', () => {
    expect(celViolations(spec())).toEqual([]);
    expect(celViolations(spec({ backupRetentionDays: 3 }))).toEqual([
      'prod databases keep at least 7 days of automated backups (spec.backupRetentionDays >= 7)',
    ]);
    expect(
      celViolations(spec({ environment: 'dev', backupRetentionDays: 0 })),
    ).toEqual([]);
  });

  it('refuses engine downgrades on update but allows upgrades and new XRs', () => {
    expect(celViolations(spec({ engineVersion: '15' }))).toEqual([]);
    expect(
      celViolations(
        spec({ engineVersion: '17' }),
        spec({ engineVersion: '16' }),
      ),
    ).toEqual([]);
    expect(
      celViolations(
        spec({ engineVersion: '15' }),
        spec({ engineVersion: '16' }),
      ),
    ).toEqual([
      'spec.engineVersion cannot be downgraded (PostgreSQL major versions only go up)',
    ]);
  });

  it('accepts the examples', () => {
    for (const file of [
      'postgresqlinstance.yaml',
      'postgresqlinstance-rds-prod.yaml',
    ]) {
      const xr = readManifests(join(dir, 'examples', file))[0];
      const { crossplane: _crossplane, ...rest } = xr.spec as JsonObject;
      expect(celViolations(spec(rest))).toEqual([]);
    }
  });
});

describe('the Compositions', () => {
  it('are pipelines for the XR type with the expected functions', () => {
    expect(compositions.map(c => c.metadata.name).sort()).toEqual([
      'postgresqlinstances-aws-rds',
      'postgresqlinstances-shared-server',
    ]);
    for (const c of compositions) {
      expect(c.apiVersion).toBe('apiextensions.crossplane.io/v1');
      expect(c.spec).toMatchObject({
        mode: 'Pipeline',
        compositeTypeRef: {
          apiVersion: 'platform.fernhill.io/v1alpha1',
          kind: 'PostgreSQLInstance',
        },
      });
      const functions = (c.spec as any).pipeline.map(
        (s: any) => s.functionRef.name,
      );
      expect(functions).toEqual([
        'function-environment-configs',
        'function-go-templating',
        'function-auto-ready',
      ]);
      expect(
        c.metadata.labels?.['platform.fernhill.io/provider'],
      ).toBeDefined();
    }
  });

  it('have a size entry for every size the XRD allows', () => {
    const data = sizes.data as any;
    for (const size of specSchema.properties.size.enum) {
      expect(data.sharedServer[size].connectionLimit).toBeGreaterThan(0);
      expect(data.rds[size].instanceClass).toMatch(/^db\./);
      expect(data.rds[size].allocatedStorage).toBeGreaterThan(0);
    }
    expect(Object.keys(data.rds).sort()).toEqual(
      [...specSchema.properties.size.enum].sort(),
    );
  });

  it('compose the connection Secret explicitly with every key', () => {
    for (const c of compositions) {
      const template = templateOf(c);
      expect(template).toContain('kind: Secret');
      expect(template).toContain('$xr.spec.connectionSecretName');
      for (const key of [
        'host',
        'port',
        'database',
        'username',
        'password',
        'uri',
      ]) {
        expect(template).toMatch(new RegExp(`\\n\\s+${key}: `));
      }
      expect(template).toContain('"Orphan"');
    }
  });

  it('shared server uses namespaced provider-sql Role, Database and Grant', () => {
    const template = templateOf(
      compositions.find(c => c.metadata.name!.includes('shared'))!,
    );
    for (const kind of ['Role', 'Database', 'Grant']) {
      expect(template).toContain(`kind: ${kind}`);
    }
    expect(template).toContain(
      'apiVersion: postgresql.sql.m.crossplane.io/v1alpha1',
    );
  });

  it('RDS is encrypted, backed up, and Multi-AZ in prod', () => {
    const template = templateOf(
      compositions.find(c => c.metadata.name!.includes('rds'))!,
    );
    expect(template).toContain('apiVersion: rds.aws.m.upbound.io/v1beta1');
    expect(template).toContain('storageEncrypted: true');
    expect(template).toContain(
      'backupRetentionPeriod: {{ $xr.spec.backupRetentionDays }}',
    );
    expect(template).toContain(
      '{{- $prod := eq $xr.spec.environment "prod" }}',
    );
    expect(template).toContain('multiAz: {{ $prod }}');
    expect(template).toContain('instanceClass: {{ $size.instanceClass }}');
  });
});

describe('the portal RBAC', () => {
  const rules = rbac
    .filter(o => o.kind === 'Role' || o.kind === 'ClusterRole')
    .flatMap(o =>
      ((o as any).rules as any[]).map(rule => ({ kind: o.kind, rule })),
    );

  it('has no wildcards and no secret access', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const { rule } of rules) {
      for (const list of [rule.apiGroups, rule.resources, rule.verbs]) {
        expect(list).not.toContain('*');
      }
      expect(rule.resources).not.toContain('secrets');
    }
  });

  it('grants XR access only through namespaced Roles, without delete', () => {
    const xrRules = rules.filter(r =>
      r.rule.resources.includes('postgresqlinstances'),
    );
    expect(xrRules.length).toBeGreaterThan(0);
    expect(new Set(xrRules.map(r => r.kind))).toEqual(new Set(['Role']));
    expect(
      new Set(xrRules.map(r => [...r.rule.verbs].sort().join(','))),
    ).toEqual(new Set(['create,get,list,patch,watch']));
    // Cluster-wide, the portal may only read the one XRD.
    const clusterBound = new Set(
      rbac
        .filter(o => o.kind === 'ClusterRoleBinding')
        .map(b => (b as any).roleRef.name as string),
    );
    const clusterWide = rbac
      .filter(
        o => o.kind === 'ClusterRole' && clusterBound.has(o.metadata.name!),
      )
      .flatMap(o => (o as any).rules);
    expect(clusterWide).toEqual([
      {
        apiGroups: ['apiextensions.crossplane.io'],
        resources: ['compositeresourcedefinitions'],
        resourceNames: ['postgresqlinstances.platform.fernhill.io'],
        verbs: ['get'],
      },
    ]);
  });

  it('lets the Kubernetes tab only read workloads, per team namespace', () => {
    const reader = rbac.find(
      o =>
        o.kind === 'ClusterRole' &&
        o.metadata.name === 'portal-kubernetes-plugin-reader',
    )!;
    for (const rule of (reader as any).rules) {
      expect(rule.verbs).toEqual(['get', 'list', 'watch']);
      expect(rule.resources).not.toContain('configmaps');
    }
    const bindings = rbac.filter(
      o => (o as any).roleRef?.name === 'portal-kubernetes-plugin-reader',
    );
    expect(bindings.length).toBeGreaterThan(0);
    expect(new Set(bindings.map(b => b.kind))).toEqual(
      new Set(['RoleBinding']),
    );
  });

  it("never binds the workload reader to the portal's write-capable account", () => {
    // The Kubernetes tab forwards whatever its proxy is asked to with its account; the account
    // that creates and patches PostgreSQLInstances must not be the one reading workloads either.
    const readerBindings = rbac.filter(
      o =>
        (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
        (o as any).roleRef?.name === 'portal-kubernetes-plugin-reader',
    );
    expect(readerBindings.length).toBeGreaterThan(0);
    for (const binding of readerBindings) {
      expect({
        binding: `${binding.metadata.namespace}/${binding.metadata.name}`,
        subjects: (binding as any).subjects,
      }).toEqual({
        binding: `${binding.metadata.namespace}/${binding.metadata.name}`,
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'portal-kubernetes-plugin',
            namespace: 'backstage',
          },
        ],
      });
    }
  });

  it('binds every team Role to the portal service account in a team namespace', () => {
    const roles = rbac.filter(o => o.kind === 'Role');
    const bindings = rbac.filter(
      o => o.kind === 'RoleBinding' && (o as any).roleRef.kind === 'Role',
    );
    expect(roles.map(r => r.metadata.namespace).sort()).toEqual(
      bindings.map(b => b.metadata.namespace).sort(),
    );
    for (const b of bindings) {
      expect(b.metadata.namespace).toMatch(/^team-/);
      expect((b as any).subjects).toEqual([
        { kind: 'ServiceAccount', name: 'portal', namespace: 'backstage' },
      ]);
    }
  });

  it("gives the Kubernetes tab's own account nothing but the read-only workload role", () => {
    const plugin = {
      kind: 'ServiceAccount',
      name: 'portal-kubernetes-plugin',
      namespace: 'backstage',
    };
    expect(
      rbac.some(
        o =>
          o.kind === 'ServiceAccount' &&
          o.metadata.name === plugin.name &&
          o.metadata.namespace === plugin.namespace,
      ),
    ).toBe(true);
    const bindings = rbac.filter(o =>
      ((o as any).subjects ?? []).some(
        (s: object) => JSON.stringify(s) === JSON.stringify(plugin),
      ),
    );
    expect(bindings.map(b => b.metadata.namespace).sort()).toEqual(
      rbac
        .filter(
          o => o.kind === 'Namespace' && /^team-/.test(o.metadata.name ?? ''),
        )
        .map(o => o.metadata.name)
        .sort(),
    );
    for (const b of bindings) {
      expect(b.kind).toBe('RoleBinding');
      expect((b as any).roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'portal-kubernetes-plugin-reader',
      });
    }
  });
});
