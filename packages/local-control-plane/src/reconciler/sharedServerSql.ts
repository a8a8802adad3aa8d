import { escapeIdentifier, escapeLiteral, Pool } from 'pg';

/**
 * The SQL side of the shared-server composition (what provider-sql's Role, Database and Grant do),
 * written so every statement can run again without changing anything.
 */

/** The PostgreSQL identifier used for both the role and the database of an XR. */
export function postgresNameFor(namespace: string, name: string): string {
  return `${namespace}_${name}`.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
}

/** Creates the login role or brings it to the desired password and connection limit. */
export async function ensureRole(
  pool: Pool,
  role: string,
  password: string,
  connectionLimit: number,
): Promise<boolean> {
  const exists = await pool.query('select 1 from pg_roles where rolname = $1', [
    role,
  ]);
  const verb = exists.rowCount ? 'alter' : 'create';
  await pool.query(
    `${verb} role ${escapeIdentifier(role)} with login password ${escapeLiteral(
      password,
    )} connection limit ${Math.floor(connectionLimit)}`,
  );
  return verb === 'create';
}

/** Creates the database owned by the role, locks out other roles, and grants the owner everything. */
export async function ensureDatabase(
  pool: Pool,
  database: string,
  owner: string,
  connectionLimit: number,
): Promise<boolean> {
  const exists = await pool.query(
    'select 1 from pg_database where datname = $1',
    [database],
  );
  const db = escapeIdentifier(database);
  const role = escapeIdentifier(owner);
  if (!exists.rowCount) {
    try {
      await pool.query(
        `create database ${db} owner ${role} connection limit ${Math.floor(
          connectionLimit,
        )}`,
      );
    } catch (error) {
      // Another writer won the race: the database exists now, which is what we wanted.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  } else {
    await pool.query(`alter database ${db} owner to ${role}`);
    await pool.query(
      `alter database ${db} connection limit ${Math.floor(connectionLimit)}`,
    );
  }
  // Grant: the owner has everything; other teams' roles cannot even connect.
  await pool.query(`revoke all on database ${db} from public`);
  await pool.query(`grant all privileges on database ${db} to ${role}`);
  return !exists.rowCount;
}

/** Drops the database (closing its sessions) and the role; missing ones are fine. */
export async function dropDatabaseAndRole(
  pool: Pool,
  database: string,
  role: string,
) {
  await pool.query(
    `drop database if exists ${escapeIdentifier(database)} with (force)`,
  );
  await pool.query(`drop role if exists ${escapeIdentifier(role)}`);
}
