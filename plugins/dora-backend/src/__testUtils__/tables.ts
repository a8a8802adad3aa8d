import { Knex } from 'knex';

/** The raw event tables ingest writes. */
export const RAW_EVENT_TABLES = [
  'dora_deployments',
  'dora_changes',
  'dora_incidents',
  'dora_rollbacks',
];

/** Every table an ingest writes: the raw events, the SHA index and what is derived from them. */
export const INGESTED_TABLES = [
  ...RAW_EVENT_TABLES,
  'dora_deployment_shas',
  'dora_deployment_facts',
  'dora_daily_rollups',
  'dora_weekly_rollups',
  'dora_unlinked_incidents',
];

/** Empties `tables` in one transaction (a property test's next run starts from nothing). */
export async function emptyTables(
  knex: Knex,
  tables: string[] = INGESTED_TABLES,
): Promise<void> {
  await knex.transaction(async tx => {
    for (const table of tables) {
      await tx(table).delete();
    }
  });
}

/**
 * The rows that statements reading `table` returned while `run` ran: what a code path reads, to
 * pin that it reads only what it needs (counted from the database's answers, not timed).
 */
export async function rowsReadFrom(
  knex: Knex,
  table: string,
  run: () => Promise<unknown>,
): Promise<Array<Record<string, unknown>>> {
  const reading = new RegExp(`from .${table}. `);
  const queries = new Set<string>();
  const rows: Array<Record<string, unknown>> = [];
  const onQuery = (q: { sql: string; __knexQueryUid: string }) => {
    if (reading.test(`${q.sql} `)) queries.add(q.__knexQueryUid);
  };
  const onResponse = (response: unknown, q: { __knexQueryUid: string }) => {
    if (queries.has(q.__knexQueryUid) && Array.isArray(response)) {
      rows.push(...response);
    }
  };
  knex.on('query', onQuery);
  knex.on('query-response', onResponse);
  try {
    await run();
  } finally {
    knex.removeListener('query', onQuery);
    knex.removeListener('query-response', onResponse);
  }
  return rows;
}
