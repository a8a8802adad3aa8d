import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { findCrossplaneDir } from './crossplane/manifests';

/**
 * End to end with the real CLI (embedded PostgreSQL and all) and Debian's real kubectl: what a
 * developer or the platform team does against the local control plane.
 */
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const BIN = resolve(__dirname, '..', 'bin', 'local-control-plane');
const EXAMPLE = join(
  findCrossplaneDir(),
  'examples',
  'postgresqlinstance.yaml',
);
const NS = 'team-payments';
const NAME = 'payments-api-db';

jest.setTimeout(120_000);

describe('kubectl against the local control plane', () => {
  let dataDir: string;
  let child: ChildProcess;
  let kubeconfig: string;

  async function startCli() {
    child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--data-dir', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', d => {
      stderr += d;
    });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((ok, fail) => {
      lines.once('line', ok);
      child.once('exit', code =>
        fail(new Error(`CLI exited with ${code}: ${stderr}`)),
      );
    });
    kubeconfig = JSON.parse(first).kubeconfig;
  }

  async function stopCli() {
    const exited = new Promise(ok => child.once('exit', ok));
    child.kill('SIGTERM');
    await exited;
  }

  function kubectl(
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise(ok => {
      execFile(
        KUBECTL,
        args,
        { env: { ...process.env, KUBECONFIG: kubeconfig } },
        (error, stdout, stderr) => {
          ok({
            code: error ? Number((error as any).code ?? 1) : 0,
            stdout,
            stderr,
          });
        },
      );
    });
  }

  async function secret() {
    const res = await kubectl(
      'get',
      'secret',
      '-n',
      NS,
      `${NAME}-connection`,
      '-o',
      'json',
    );
    expect(res.stderr).toBe('');
    const data = JSON.parse(res.stdout).data as Record<string, string>;
    return Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
  }

  async function connect(uri: string) {
    const client = new Client({ connectionString: uri });
    await client.connect();
    try {
      return (
        await client.query(
          'select current_user as "user", current_database() as db',
        )
      ).rows[0];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lcp-e2e-'));
    await startCli();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) await stopCli();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies an XR, waits for Ready, and the Secret connects', async () => {
    const applied = await kubectl('apply', '-f', EXAMPLE);
    expect(applied).toMatchObject({
      code: 0,
      stdout: `postgresqlinstance.platform.fernhill.io/${NAME} created\n`,
    });

    const waited = await kubectl(
      'wait',
      '--for=condition=Ready',
      '-n',
      NS,
      `postgresqlinstance/${NAME}`,
      '--timeout=60s',
    );
    expect(waited.stdout).toContain('condition met');

    const listed = await kubectl('get', 'postgresqlinstances', '-n', NS);
    expect(listed.stdout).toMatch(
      new RegExp(
        `${NAME}\\s+True\\s+True\\s+postgresqlinstances-shared-server\\s+small`,
      ),
    );

    const s = await secret();
    expect(Object.keys(s).sort()).toEqual([
      'database',
      'host',
      'password',
      'port',
      'uri',
      'username',
    ]);
    const viaUri = await connect(s.uri);
    expect(viaUri).toEqual({ user: s.username, db: s.database });
    const client = new Client({
      host: s.host,
      port: Number(s.port),
      user: s.username,
      password: s.password,
      database: s.database,
    });
    await client.connect();
    await client.query('create table ledger (id int primary key)');
    await client.end();

    const events = await kubectl('get', 'events', '-n', NS);
    expect(events.stdout).toContain('ComposeResources');
    // What the Composition rendered, as on a real cluster with provider-sql.
    const managed = await kubectl(
      'get',
      '-n',
      NS,
      'roles.postgresql.sql.m.crossplane.io,databases.postgresql.sql.m.crossplane.io,grants.postgresql.sql.m.crossplane.io',
      '-o',
      'name',
    );
    expect(managed.stdout.split('\n').filter(Boolean).sort()).toEqual([
      `database.postgresql.sql.m.crossplane.io/${NAME}`,
      `grant.postgresql.sql.m.crossplane.io/${NAME}`,
      `role.postgresql.sql.m.crossplane.io/${NAME}`,
    ]);
  });

  it('keeps the embedded PostgreSQL folder traverse-only for others, not world-writable (another local user cannot swap in a data folder of their own)', () => {
    const mode = statSync(join(dataDir, 'postgres')).mode & 0o777;
    expect(mode.toString(8)).toBe('711');
  });

  it('is idempotent and survives a restart with the same credentials', async () => {
    const before = await secret();
    const again = await kubectl('apply', '-f', EXAMPLE);
    expect(again.stdout).toContain('unchanged');
    await stopCli();
    await startCli();
    const waited = await kubectl(
      'wait',
      '--for=condition=Ready',
      '-n',
      NS,
      `postgresqlinstance/${NAME}`,
      '--timeout=60s',
    );
    expect(waited.code).toBe(0);
    const after = await secret();
    expect(after.password).toBe(before.password);
    expect((await connect(after.uri)).db).toBe(before.database);
  });

  it('rejects an invalid XR like a real API server', async () => {
    const file = join(dataDir, 'invalid.yaml');
    writeFileSync(
      file,
      `apiVersion: platform.fernhill.io/v1alpha1\nkind: PostgreSQLInstance\nmetadata:\n  name: bad\n  namespace: ${NS}\nspec:\n  size: huge\n  environment: dev\n  owner: payments\n  connectionSecretName: bad\n`,
    );
    const res = await kubectl('apply', '-f', file);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      'spec.size: Unsupported value: "huge": supported values: "small", "medium", "large"',
    );
  });

  it('reports in plain words that the RDS Composition cannot run locally', async () => {
    const rds = join(
      findCrossplaneDir(),
      'examples',
      'postgresqlinstance-rds-prod.yaml',
    );
    expect((await kubectl('apply', '--server-side', '-f', rds)).code).toBe(0);
    const waited = await kubectl(
      'wait',
      '--for=condition=Synced=False',
      '-n',
      NS,
      'postgresqlinstance/payments-ledger-db',
      '--timeout=60s',
    );
    expect(waited.code).toBe(0);
    const message = await kubectl(
      'get',
      '-n',
      NS,
      'postgresqlinstance/payments-ledger-db',
      '-o',
      "jsonpath={.status.conditions[?(@.type=='Synced')].message}",
    );
    expect(message.stdout).toContain(
      'composition postgresqlinstances-aws-rds cannot run on the local control plane',
    );
    const deleted = await kubectl(
      'delete',
      '-n',
      NS,
      'postgresqlinstance/payments-ledger-db',
      '--timeout=60s',
    );
    expect(deleted.code).toBe(0);
  });

  it('deletes the XR, its Secret, and the database', async () => {
    const { uri } = await secret();
    const deleted = await kubectl(
      'delete',
      '-n',
      NS,
      `postgresqlinstance/${NAME}`,
      '--timeout=60s',
    );
    expect(deleted.stdout).toContain('deleted');
    const gone = await kubectl('get', '-n', NS, `postgresqlinstance/${NAME}`);
    expect(gone.stderr).toContain('NotFound');
    const secretGone = await kubectl(
      'get',
      'secret',
      '-n',
      NS,
      `${NAME}-connection`,
    );
    expect(secretGone.stderr).toContain('NotFound');
    // provider-sql drops the database and the role once the garbage collector deleted its Database
    // and Role (composed in the team namespace, owned by the XR).
    const dropped = await kubectl(
      'wait',
      '--for=delete',
      '-n',
      NS,
      `databases.postgresql.sql.m.crossplane.io/${NAME}`,
      `roles.postgresql.sql.m.crossplane.io/${NAME}`,
      '--timeout=60s',
    );
    expect(dropped.code).toBe(0);
    await expect(connect(uri)).rejects.toThrow(
      /password authentication failed|does not exist/,
    );
  });
});
