import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-dora-backend',
  'migrations',
);

/** Brings the plugin's tables up to the latest migration. */
export async function migrateDoraDatabase(db: Knex): Promise<void> {
  await db.migrate.latest({ directory: migrationsDir });
}
