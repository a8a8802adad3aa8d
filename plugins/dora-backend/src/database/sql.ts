import { chunks } from '@internal/plugin-portal-node';
import { Knex } from 'knex';

/** Whether the client is PostgreSQL (the other one the plugin runs on is SQLite). */
export function isPostgres(db: Knex): boolean {
  const client = (db.client as { config?: { client?: unknown } }).config
    ?.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/** Inserts rows in statements small enough for either database's limits. */
export async function insertChunked(
  tx: Knex,
  table: string,
  rows: Record<string, unknown>[],
) {
  if (rows.length === 0) {
    return;
  }
  // Stay under SQLite's bound-parameter limit.
  // PostgreSQL: under its 65,535 bound parameters. SQLite: knex writes multi-row inserts as a
  // compound SELECT, limited to 500 terms (and better-sqlite3 allows 32,766 parameters).
  const size = isPostgres(tx)
    ? Math.floor(30000 / Object.keys(rows[0]).length)
    : 500;
  for (const chunk of chunks(rows, size)) {
    await tx(table).insert(chunk);
  }
}

/** An upsert's value for a time column: the earlier of the stored and the incoming report. */
export function keepEarliest(
  tx: Knex,
  table: string,
  column: string,
): Knex.Raw {
  return tx.raw(
    `case when excluded.${column} < ${table}.${column} then excluded.${column} else ${table}.${column} end`,
  );
}
