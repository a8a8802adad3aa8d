import { Knex } from 'knex';
import { isPostgres } from '../database/sql';

/**
 * Takes transaction-scoped locks on services, in a stable order, so two replicas deriving facts of
 * one service wait for each other (PostgreSQL; SQLite serialises write transactions anyway).
 */
export async function lockServices(tx: Knex.Transaction, services: string[]) {
  if (!isPostgres(tx)) {
    return;
  }
  if (services.length === 0) {
    return;
  }
  // One statement for the whole batch (a round trip each cost ~0.5 ms per service): the function
  // scan hands out the sorted array's elements in order, so every caller locks in the same order.
  await tx.raw(
    'select count(pg_advisory_xact_lock(?, hashtext(s))) from unnest(?::text[]) as s',
    [20261122, [...new Set(services)].sort()],
  );
}
