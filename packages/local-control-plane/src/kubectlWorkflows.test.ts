import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { findCrossplaneDir } from './crossplane/manifests';
import { PORTAL_SERVICE_ACCOUNT_USER } from './defaults';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from './startLocalControlPlane';

/**
 * The everyday kubectl workflows of a platform engineer (issue 14), with Debian's real kubectl
 * against an in-process control plane (API only, no PostgreSQL).
 */
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const ADMIN = 'workflows-admin';
const PORTAL = 'workflows-portal';
const NS = 'team-payments';

jest.setTimeout(60_000);

describe('kubectl workflows against the local control plane', () => {
  let dir: string;
  let plane: LocalControlPlane;
  const kubeconfigs: Record<string, string> = {};

  type Result = { code: number; stdout: string; stderr: string };

  function run(
    command: string,
    args: string[],
    as: string = ADMIN,
    stdin?: string,
  ): Promise<Result> {
    return new Promise(ok => {
      const child = execFile(
        command,
        args,
        {
          env: { ...process.env, KUBECONFIG: kubeconfigs[as] },
          cwd: join(findCrossplaneDir(), '..'),
        },
        (error, stdout, stderr) =>
          ok({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          }),
      );
      if (stdin !== undefined) child.stdin!.end(stdin);
    });
  }
  const kubectl = (...args: string[]) => run(KUBECTL, args);
  const kubectlAs = (token: string, ...args: string[]) =>
    run(KUBECTL, args, token);
  const apply = (yaml: string, ...args: string[]) =>
    run(KUBECTL, ['apply', '-f', '-', ...args], ADMIN, yaml);

  async function getJson(...args: string[]) {
    const res = await kubectl('get', ...args, '-o', 'json');
    expect(res.stderr).toBe('');
    return JSON.parse(res.stdout);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lcp-workflows-'));
    plane = await startLocalControlPlane({
      port: 0,
      postgres: false,
      tokens: [
        { token: ADMIN, user: 'platform-admin', groups: ['system:masters'] },
        { token: PORTAL, user: PORTAL_SERVICE_ACCOUNT_USER },
      ],
    });
    for (const token of [ADMIN, PORTAL]) {
      kubeconfigs[token] = join(dir, `${token}.kubeconfig`);
      writeFileSync(kubeconfigs[token], plane.kubeconfig(token), {
        mode: 0o600,
      });
    }
  });

  afterAll(async () => {
    await plane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('delete --cascade', () => {
    const ownerAndDependent = async (name: string, finalizer?: string) => {
      await apply(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${NS}}\ndata: {a: b}\n`,
      );
      const owner = await getJson('configmap', '-n', NS, name);
      const applied = await apply(
        [
          'apiVersion: v1',
          'kind: Secret',
          `metadata:`,
          `  name: ${name}-dependent`,
          `  namespace: ${NS}`,
          ...(finalizer ? [`  finalizers: [${finalizer}]`] : []),
          '  ownerReferences:',
          `  - {apiVersion: v1, kind: ConfigMap, name: ${name}, uid: ${owner.metadata.uid}, blockOwnerDeletion: true}`,
          'stringData: {password: secret}',
          '',
        ].join('\n'),
      );
      expect(applied.code).toBe(0);
      return owner;
    };

    it('--cascade=orphan keeps the dependents and removes their ownerReference', async () => {
      await ownerAndDependent('orphaning');
      const deleted = await kubectl(
        'delete',
        'configmap',
        '-n',
        NS,
        'orphaning',
        '--cascade=orphan',
      );
      expect(deleted.stdout).toContain('deleted');
      const gone = await kubectl('get', 'configmap', '-n', NS, 'orphaning');
      expect(gone.stderr).toContain('NotFound');
      const dependent = await getJson(
        'secret',
        '-n',
        NS,
        'orphaning-dependent',
      );
      expect(dependent.metadata.ownerReferences).toBeUndefined();
    });

    it('--cascade=background (the default) deletes the dependents', async () => {
      await ownerAndDependent('background');
      await kubectl('delete', 'configmap', '-n', NS, 'background');
      const dependent = await kubectl(
        'get',
        'secret',
        '-n',
        NS,
        'background-dependent',
      );
      expect(dependent.stderr).toContain('NotFound');
    });

    it('--cascade=foreground keeps the owner until its blocking dependents are gone', async () => {
      await ownerAndDependent('foreground', 'example.com/hold');
      await kubectl(
        'delete',
        'configmap',
        '-n',
        NS,
        'foreground',
        '--cascade=foreground',
        '--wait=false',
      );
      const owner = await getJson('configmap', '-n', NS, 'foreground');
      expect(owner.metadata.finalizers).toEqual(['foregroundDeletion']);
      expect(owner.metadata.deletionTimestamp).toBeDefined();
      const dependent = await getJson(
        'secret',
        '-n',
        NS,
        'foreground-dependent',
      );
      expect(dependent.metadata.deletionTimestamp).toBeDefined();

      await kubectl(
        'patch',
        'secret',
        '-n',
        NS,
        'foreground-dependent',
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      );
      const gone = await kubectl('get', 'configmap', '-n', NS, 'foreground');
      expect(gone.stderr).toContain('NotFound');
    });
  });

  describe('built-in kinds sent as protobuf', () => {
    it('runs the secret step of crossplane/README.md verbatim', async () => {
      const readme = readFileSync(
        join(findCrossplaneDir(), 'README.md'),
        'utf8',
      );
      const step = readme.match(
        /^kubectl -n crossplane-system create secret generic(?:[^\n]*\\\n)*[^\n]*/m,
      )?.[0];
      expect(step).toBeDefined();
      expect(
        (await kubectl('create', 'namespace', 'crossplane-system')).stdout,
      ).toBe('namespace/crossplane-system created\n');
      const created = await run('sh', ['-c', step!]);
      expect(created.stderr).toBe('');
      expect(created).toMatchObject({
        code: 0,
        stdout: 'secret/shared-postgres-admin created\n',
      });
      const secret = await getJson(
        'secret',
        '-n',
        'crossplane-system',
        'shared-postgres-admin',
      );
      expect(Buffer.from(secret.data.endpoint, 'base64').toString()).toBe(
        'shared-postgres.internal',
      );
      expect(Object.keys(secret.data).sort()).toEqual([
        'endpoint',
        'password',
        'port',
        'username',
      ]);
    });

    it('creates configmaps, service accounts, roles and role bindings', async () => {
      for (const args of [
        ['configmap', 'settings', '--from-literal=region=eu-west-1'],
        ['serviceaccount', 'ci'],
        ['role', 'reader', '--verb=get,list', '--resource=configmaps'],
        [
          'rolebinding',
          'ci-reader',
          '--role=reader',
          `--serviceaccount=${NS}:ci`,
        ],
      ]) {
        const res = await kubectl('create', '-n', NS, ...args);
        expect(res).toMatchObject({ code: 0, stderr: '' });
      }
      const binding = await getJson('rolebinding', '-n', NS, 'ci-reader');
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'ci', namespace: NS },
      ]);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'reader',
      });
      const role = await getJson('role', '-n', NS, 'reader');
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
      ]);
      const cm = await getJson('configmap', '-n', NS, 'settings');
      expect(cm.data).toEqual({ region: 'eu-west-1' });
    });
  });

  describe('kubectl auth', () => {
    it('can-i answers from RBAC for the caller', async () => {
      const yes = await kubectlAs(
        PORTAL,
        'auth',
        'can-i',
        'create',
        'postgresqlinstances.platform.fernhill.io',
        '-n',
        NS,
      );
      expect(yes).toMatchObject({ code: 0, stdout: 'yes\n' });
      const no = await kubectlAs(
        PORTAL,
        'auth',
        'can-i',
        'get',
        'secrets',
        '-n',
        NS,
      );
      expect(no).toMatchObject({ code: 1, stdout: 'no\n' });
    });

    it('can-i --list lists the rules bound to the caller', async () => {
      const list = await kubectlAs(PORTAL, 'auth', 'can-i', '--list', '-n', NS);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(
        /postgresqlinstances\.platform\.fernhill\.io\s+\[\]\s+\[\]\s+\[.*create.*\]/,
      );
      expect(list.stdout).not.toMatch(/^secrets\s/m);
      expect(list.stdout).toMatch(
        /selfsubjectaccessreviews\.authorization\.k8s\.io/,
      );
    });

    it('whoami names the user and groups', async () => {
      const me = await kubectlAs(PORTAL, 'auth', 'whoami');
      expect(me.code).toBe(0);
      expect(me.stdout).toMatch(
        new RegExp(`Username\\s+${PORTAL_SERVICE_ACCOUNT_USER}`),
      );
      expect(me.stdout).toContain('system:serviceaccounts:backstage');
    });
  });

  describe('impersonation', () => {
    it('runs an admin request --as the portal with the portal rights only', async () => {
      const denied = await kubectl(
        'get',
        'secrets',
        '-n',
        NS,
        `--as=${PORTAL_SERVICE_ACCOUNT_USER}`,
      );
      expect(denied.stderr).toContain(
        `User "${PORTAL_SERVICE_ACCOUNT_USER}" cannot list resource "secrets"`,
      );
      const canI = await kubectl(
        'auth',
        'can-i',
        'delete',
        'postgresqlinstances.platform.fernhill.io',
        '-n',
        NS,
        `--as=${PORTAL_SERVICE_ACCOUNT_USER}`,
      );
      expect(canI.stdout).toBe('no\n');
      const whoami = await kubectl(
        'auth',
        'whoami',
        '--as=someone',
        '--as-group=team-payments',
      );
      expect(whoami.stdout).toMatch(/Username\s+someone/);
      expect(whoami.stdout).toMatch(
        /Groups\s+\[team-payments system:authenticated\]/,
      );
    });

    it('refuses impersonation without the impersonate verb', async () => {
      const res = await kubectlAs(
        PORTAL,
        'get',
        'postgresqlinstances',
        '-n',
        NS,
        '--as=platform-admin',
        '--as-group=system:masters',
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        `users "platform-admin" is forbidden: User "${PORTAL_SERVICE_ACCOUNT_USER}" cannot impersonate resource "users"`,
      );
    });
  });

  describe('get --sort-by', () => {
    it('sorts events by lastTimestamp in table output', async () => {
      for (const [name, time] of [
        ['middle', '2026-02-01T00:00:00Z'],
        ['latest', '2026-03-01T00:00:00Z'],
        ['earliest', '2026-01-01T00:00:00Z'],
      ]) {
        await apply(
          `apiVersion: v1\nkind: Event\nmetadata: {name: ${name}, namespace: ${NS}}\ninvolvedObject: {kind: ConfigMap, name: x, namespace: ${NS}}\nreason: Sorted\nmessage: ${name}\ntype: Normal\nlastTimestamp: "${time}"\n`,
        );
      }
      const res = await kubectl(
        'get',
        'events',
        '-n',
        NS,
        '--sort-by=.lastTimestamp',
      );
      expect(res.stderr).toBe('');
      const names = res.stdout
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map(line => line.split(/\s+/)[0]);
      expect(names).toEqual(['earliest', 'middle', 'latest']);
    });
  });

  describe('kubectl diff', () => {
    it('reports no difference for the seeded RBAC and for an object applied unchanged', async () => {
      const rbac = await kubectl('diff', '-f', 'crossplane/rbac/');
      expect(rbac).toMatchObject({ code: 0, stdout: '', stderr: '' });
      const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: drift, namespace: ${NS}}\ndata: {a: b}\n`;
      expect((await apply(manifest)).code).toBe(0);
      const diff = await run(KUBECTL, ['diff', '-f', '-'], ADMIN, manifest);
      expect(diff).toMatchObject({ code: 0, stdout: '' });
    });
  });

  describe('client-side to server-side apply', () => {
    it('takes over the kubectl-client-side-apply fields, so a field the manifest dropped goes', async () => {
      const manifest = (data: string) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated, namespace: ${NS}}\ndata: {${data}}\n`;
      expect((await apply(manifest('a: "1", b: "2"'))).code).toBe(0);
      const ssa = await apply(manifest('a: "1"'), '--server-side');
      expect(ssa).toMatchObject({
        code: 0,
        stdout: 'configmap/migrated serverside-applied\n',
      });
      const cm = await getJson(
        'configmap',
        '-n',
        NS,
        'migrated',
        '--show-managed-fields',
      );
      expect(cm.data).toEqual({ a: '1' });
      expect(
        cm.metadata.managedFields.map((m: { manager: string }) => m.manager),
      ).not.toContain('kubectl-client-side-apply');
    });
  });

  describe('validation like kube-apiserver', () => {
    const xr = (name: string, metadata = '') =>
      `apiVersion: platform.fernhill.io/v1alpha1\nkind: PostgreSQLInstance\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${metadata}spec: {size: small, environment: dev, owner: payments, connectionSecretName: ${name}-conn}\n`;

    it('checks label keys and values: syntax, 63 characters, strings only', async () => {
      const long = 'v'.repeat(64);
      const res = await apply(
        xr('labelled', `  labels: {"bad key!": x, ok: ${long}}\n`),
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        `metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters`,
      );
      expect(res.stderr).toContain(
        `metadata.labels: Invalid value: "${long}": must be no more than 63 characters`,
      );
      // kubectl refuses a number as a label value itself; other clients send it as is.
      const file = join(dir, 'numeric-label.json');
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'numeric', labels: { count: 1 } },
        }),
      );
      const raw = await kubectl(
        'create',
        '--raw',
        `/api/v1/namespaces/${NS}/configmaps`,
        '-f',
        file,
      );
      expect(raw.code).not.toBe(0);
      expect(raw.stderr).toContain(
        'metadata.labels[count]: Invalid value: 1: must be a string',
      );
    });

    // crossplane/xrd.yaml's x-kubernetes-validations, which a real API server evaluates (CEL) on
    // create and update; the local one must refuse the same objects with the same field errors.
    const prodXr = (name: string, spec: string) =>
      `apiVersion: platform.fernhill.io/v1alpha1\nkind: PostgreSQLInstance\nmetadata:\n  name: ${name}\n  namespace: ${NS}\nspec: {size: small, environment: prod, owner: payments, connectionSecretName: ${name}-conn, ${spec}}\n`;

    it('refuses a prod XR keeping fewer than 7 backup days (the XRD CEL rule)', async () => {
      const res = await apply(
        prodXr('short-backups', 'backupRetentionDays: 3'),
        '--server-side',
        '--field-manager=workflows',
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        'spec.backupRetentionDays: Invalid value: "object": prod databases keep at least 7 days of automated backups (spec.backupRetentionDays >= 7)',
      );
      expect(
        (await kubectl('get', '-n', NS, 'postgresqlinstance/short-backups'))
          .code,
      ).not.toBe(0);
      const ok = await apply(
        prodXr('long-backups', 'backupRetentionDays: 7'),
        '--server-side',
        '--field-manager=workflows',
      );
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
    });

    it('refuses an engine downgrade on update but not on create (a CEL transition rule)', async () => {
      const spec = (version: string) =>
        prodXr('engine', `backupRetentionDays: 7, engineVersion: "${version}"`);
      expect((await apply(spec('15'))).code).toBe(0);
      expect((await apply(spec('16'))).code).toBe(0);
      const down = await apply(spec('15'));
      expect(down.code).not.toBe(0);
      expect(down.stderr).toContain(
        'spec.engineVersion: Invalid value: "object": spec.engineVersion cannot be downgraded (PostgreSQL major versions only go up)',
      );
      const stored = await getJson('-n', NS, 'postgresqlinstance/engine');
      expect(stored.spec.engineVersion).toBe('16');
    });

    it('names the length limit of a too long name', async () => {
      const name = 'n'.repeat(254);
      const res = await kubectl('create', 'configmap', '-n', NS, name);
      expect(res.stderr).toContain(
        `metadata.name: Invalid value: "${name}": must be no more than 253 characters`,
      );
    });

    it('refuses ownerReferences without apiVersion, kind or uid', async () => {
      const res = await apply(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  namespace: ${NS}\n  ownerReferences: [{name: owner}]\n`,
      );
      expect(res.code).not.toBe(0);
      for (const field of ['apiVersion', 'kind', 'uid']) {
        expect(res.stderr).toContain(
          `metadata.ownerReferences.${field}: Invalid value: ""`,
        );
      }
    });

    it('answers a strategic merge patch on a custom resource with 415', async () => {
      expect((await apply(xr('patched'))).code).toBe(0);
      const res = await kubectl(
        'patch',
        '-n',
        NS,
        'postgresqlinstance/patched',
        '-p',
        '{"spec":{"size":"medium"}}',
      );
      expect(res.code).not.toBe(0);
      // kubectl's rendering of the 415 Status.
      expect(res.stderr).toContain(
        'application/strategic-merge-patch+json is not supported by platform.fernhill.io/v1alpha1, Kind=PostgreSQLInstance',
      );
      const merged = await kubectl(
        'patch',
        '-n',
        NS,
        'postgresqlinstance/patched',
        '--type=merge',
        '-p',
        '{"spec":{"size":"medium"}}',
      );
      expect(merged.code).toBe(0);
    });

    it("merges a Deployment's containers by name in a strategic merge patch", async () => {
      await apply(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${NS}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: app, image: app:1}\n      - {name: sidecar, image: proxy:1}\n`,
      );
      const res = await kubectl(
        'patch',
        '-n',
        NS,
        'deployment/web',
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"proxy:2"}]}}}}',
      );
      expect(res.code).toBe(0);
      const deployment = await getJson('deployment', '-n', NS, 'web');
      expect(deployment.spec.template.spec.containers).toEqual([
        { name: 'app', image: 'app:1' },
        { name: 'sidecar', image: 'proxy:2' },
      ]);
    });

    it('refuses a PUT of a custom resource without resourceVersion (422)', async () => {
      expect((await apply(xr('replaced'))).code).toBe(0);
      // `kubectl replace` fills in the live resourceVersion itself; other clients PUT without one.
      const file = join(dir, 'replaced.json');
      writeFileSync(file, JSON.stringify(parseYaml(xr('replaced'))));
      const res = await kubectl(
        'replace',
        '--raw',
        `/apis/platform.fernhill.io/v1alpha1/namespaces/${NS}/postgresqlinstances/replaced`,
        '-f',
        file,
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
      );
    });

    it('answers a failing JSON patch test with 422', async () => {
      await apply(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tested, namespace: ${NS}}\ndata: {a: b}\n`,
      );
      const res = await kubectl(
        'patch',
        '-n',
        NS,
        'configmap/tested',
        '--type=json',
        '-p',
        '[{"op":"test","path":"/data/a","value":"c"},{"op":"replace","path":"/data/a","value":"d"}]',
        '-v=6',
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/PATCH https:\S+ 422 Unprocessable Entity/);
      expect(res.stderr).toContain('testing value /data/a failed');
    });

    it('refuses field selectors on fields the kind does not support (400)', async () => {
      const res = await kubectl(
        'get',
        'configmaps',
        '-n',
        NS,
        '--field-selector=data.a=b',
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain('field label not supported: data.a');
      const events = await kubectl(
        'get',
        'events',
        '-n',
        NS,
        '--field-selector=involvedObject.kind=ConfigMap,type=Normal',
      );
      expect(events.code).toBe(0);
    });
  });

  describe('what every cluster has', () => {
    it('has the default and kube-system namespaces', async () => {
      const res = await kubectl('get', 'namespace', 'default', 'kube-system');
      expect(res.code).toBe(0);
      const cm = await kubectl(
        'create',
        'configmap',
        'in-default',
        '--from-literal=a=b',
      );
      expect(cm.stdout).toBe('configmap/in-default created\n');
    });

    it('advertises deletecollection and serves it', async () => {
      const resources = await kubectl('api-resources', '-o', 'wide');
      expect(resources.stdout).toMatch(/^configmaps\s.*deletecollection/m);
      for (const name of ['bulk-1', 'bulk-2']) {
        await kubectl('create', 'configmap', '-n', NS, name);
        await kubectl('label', 'configmap', '-n', NS, name, 'bulk=yes');
      }
      const deleted = await kubectl(
        'delete',
        '--raw',
        `/api/v1/namespaces/${NS}/configmaps?labelSelector=bulk%3Dyes`,
      );
      expect(deleted.code).toBe(0);
      const left = await kubectl(
        'get',
        'configmaps',
        '-n',
        NS,
        '-l',
        'bulk=yes',
      );
      expect(left.stderr).toContain('No resources found');
    });

    it('kubectl explain shows apiVersion, kind and metadata', async () => {
      for (const kind of ['postgresqlinstances', 'secrets']) {
        const res = await kubectl('explain', kind);
        expect(res.stderr).toBe('');
        expect(res.stdout).toMatch(/^ {2}apiVersion\t<string>/m);
        expect(res.stdout).toMatch(/^ {2}kind\t<string>/m);
        expect(res.stdout).toMatch(/^ {2}metadata\t<ObjectMeta>/m);
      }
      const meta = await kubectl('explain', 'secrets.metadata.labels');
      expect(meta.stdout).toContain('Map of string keys and values');
    });

    it('serves /openapi/v2', async () => {
      const res = await kubectl('get', '--raw', '/openapi/v2');
      expect(res.code).toBe(0);
      const doc = JSON.parse(res.stdout);
      expect(doc.swagger).toBe('2.0');
      expect(
        doc.definitions['io.fernhill.platform.v1alpha1.PostgreSQLInstance'],
      ).toBeDefined();
      expect(
        doc.paths['/api/v1/namespaces/{namespace}/secrets/{name}'],
      ).toBeDefined();
    });
  });

  describe('prototype pollution through the API', () => {
    it('refuses __proto__ in a JSON patch path, so no token gains system:masters', async () => {
      await apply(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: target, namespace: ${NS}}\ndata: {a: b}\n`,
      );
      const patched = await kubectl(
        'patch',
        '-n',
        NS,
        'configmap/target',
        '--type=json',
        '-p',
        '[{"op":"add","path":"/__proto__/groups","value":["system:masters"]}]',
      );
      expect(patched.code).not.toBe(0);
      expect(patched.stderr).toContain('the key "__proto__" is not allowed');
      const merged = await kubectl(
        'patch',
        '-n',
        NS,
        'configmap/target',
        '--type=merge',
        '-p',
        '{"metadata":{"labels":{"__proto__":{"groups":["system:masters"]}}}}',
      );
      expect(merged.code).not.toBe(0);
      const applied = await apply(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: target, namespace: ${NS}}\ndata:\n  constructor: {prototype: {groups: [system:masters]}}\n`,
        '--server-side',
      );
      expect(applied.code).not.toBe(0);
      expect(({} as Record<string, unknown>).groups).toBeUndefined();
      const secrets = await kubectlAs(PORTAL, 'get', 'secrets', '-n', NS);
      expect(secrets.stderr).toContain('forbidden');
    });
  });
});
