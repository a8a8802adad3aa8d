import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * Runs a one-off job (a demo seed, a rebuild after a format change) under a marker row: true for
 * exactly one caller across all replicas, false for the others. The marker's insert and the job
 * share one transaction, so a failed job releases the marker and a later caller runs it again.
 *
 * @param markerTable - a table with a unique (primary key) `name` and a `created_at` column
 * @param name - the marker, unique per job
 * @param job - the work, run with the transaction that holds the marker
 * @public
 */
export async function runOnce(
  db: Knex,
  markerTable: string,
  name: string,
  job: (tx: Knex.Transaction) => Promise<void>,
): Promise<boolean> {
  try {
    await db.transaction(async tx => {
      await tx(markerTable).insert({ name, created_at: Date.now() });
      await job(tx);
    });
    return true;
  } catch (error) {
    if (isDatabaseConflictError(error)) {
      return false;
    }
    throw error;
  }
}
