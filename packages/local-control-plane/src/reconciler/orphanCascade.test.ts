import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from '../startLocalControlPlane';

/**
 * `kubectl delete --cascade=orphan` on an XR keeps what it composed (database, role, connection
 * Secret), as Kubernetes garbage collection keeps a real XR's composed resources. Needs a configured
 * PostgreSQL like PostgresInstanceReconciler.test.ts (skipped without one).
 */
const adminUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING;
const describeWithPostgres = adminUrl ? describe : describe.skip;
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const NS = 'team-catalog';

jest.setTimeout(60_000);

describeWithPostgres('kubectl delete --cascade on a PostgreSQLInstance', () => {
  let plane: LocalControlPlane;
  let admin: Client;
  let dir: string;

  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(ok =>
      execFile(
        KUBECTL,
        args,
        { env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') } },
        (error, stdout, stderr) =>
          ok({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          }),
      ),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lcp-orphan-'));
    plane = await startLocalControlPlane({
      port: 0,
      tokens: [{ token: 'admin', user: 'admin', groups: ['system:masters'] }],
      postgres: { connectionString: adminUrl! },
    });
    writeFileSync(join(dir, 'kubeconfig'), plane.kubeconfig('admin'), {
      mode: 0o600,
    });
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await plane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function createReady(name: string) {
    const manifest = join(dir, `${name}.yaml`);
    writeFileSync(
      manifest,
      `apiVersion: platform.fernhill.io/v1alpha1\nkind: PostgreSQLInstance\nmetadata: {name: ${name}, namespace: ${NS}}\nspec: {size: small, environment: dev, owner: catalog, connectionSecretName: ${name}-conn}\n`,
    );
    expect((await kubectl('apply', '-f', manifest)).code).toBe(0);
    const ready = await kubectl(
      'wait',
      '--for=condition=Ready',
      '-n',
      NS,
      `postgresqlinstance/${name}`,
      '--timeout=30s',
    );
    expect(ready.code).toBe(0);
    // The Composition names the database and role (unique per namespace and name); the XR reports it.
    const database = await kubectl(
      'get',
      '-n',
      NS,
      `postgresqlinstance/${name}`,
      '-o',
      'jsonpath={.status.database}',
    );
    expect(database.stdout).toMatch(/^team_catalog_/);
    return database.stdout;
  }

  const databaseExists = async (name: string) =>
    (await admin.query('select 1 from pg_database where datname = $1', [name]))
      .rowCount === 1;

  it('--cascade=orphan keeps the database, the role and the connection Secret', async () => {
    const database = await createReady('kept');
    const deleted = await kubectl(
      'delete',
      '-n',
      NS,
      'postgresqlinstance/kept',
      '--cascade=orphan',
      '--timeout=30s',
    );
    expect(deleted.stdout).toContain('deleted');
    const gone = await kubectl('get', '-n', NS, 'postgresqlinstance/kept');
    expect(gone.stderr).toContain('NotFound');
    expect(await databaseExists(database)).toBe(true);
    const role = await admin.query(
      'select 1 from pg_roles where rolname = $1',
      [database],
    );
    expect(role.rowCount).toBe(1);
    const secret = await kubectl(
      'get',
      'secret',
      '-n',
      NS,
      'kept-conn',
      '-o',
      'json',
    );
    expect(secret.code).toBe(0);
    expect(JSON.parse(secret.stdout).metadata.ownerReferences).toBeUndefined();
    await admin.query(`drop database "${database}" with (force)`);
    await admin.query(`drop role "${database}"`);
  });

  it('--cascade=foreground drops the database and deletes the Secret', async () => {
    const database = await createReady('dropped');
    expect(await databaseExists(database)).toBe(true);
    const deleted = await kubectl(
      'delete',
      '-n',
      NS,
      'postgresqlinstance/dropped',
      '--cascade=foreground',
      '--timeout=30s',
    );
    expect(deleted.stdout).toContain('deleted');
    expect(await databaseExists(database)).toBe(false);
    const secret = await kubectl('get', 'secret', '-n', NS, 'dropped-conn');
    expect(secret.stderr).toContain('NotFound');
  });
});
