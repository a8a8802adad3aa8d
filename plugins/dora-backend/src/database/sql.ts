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

/**
 * Runs one statement for several services: `term` restricts it to one service (and more), the
 * terms are joined with OR (each one an index lookup on both databases), as many per statement as
 * stay under TERMS_PER_STATEMENT terms and BINDINGS_PER_STATEMENT bound values (`bindings`).
 */
export async function forServiceTerms<T>(
  items: T[],
  bindings: (item: T) => number,
  run: (where: (q: Knex.QueryBuilder) => void) => Promise<unknown>,
  term: (q: Knex.QueryBuilder, item: T) => void,
): Promise<void> {
  for (const group of termGroups(items, bindings)) {
    await run(q => {
      for (const item of group) {
        q.orWhere(w => term(w, item));
      }
    });
  }
}

/** SQLite nests OR terms one level each, and allows 1,000 levels of expression depth. */
const TERMS_PER_STATEMENT = 200;
/** Under SQLite's 32,766 bound values (and PostgreSQL's 65,535). */
const BINDINGS_PER_STATEMENT = 10_000;

/** Consecutive groups of `items` within both statement limits (an item alone always fits). */
export function termGroups<T>(
  items: readonly T[],
  bindings: (item: T) => number,
  limits = { terms: TERMS_PER_STATEMENT, bindings: BINDINGS_PER_STATEMENT },
): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let used = 0;
  for (const item of items) {
    const cost = bindings(item);
    if (
      group.length > 0 &&
      (group.length >= limits.terms || used + cost > limits.bindings)
    ) {
      groups.push(group);
      group = [];
      used = 0;
    }
    group.push(item);
    used += cost;
  }
  if (group.length > 0) {
    groups.push(group);
  }
  return groups;
}
