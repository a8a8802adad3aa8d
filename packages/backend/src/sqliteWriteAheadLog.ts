import {
  coreServices,
  createServiceFactory,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const SQLITE_CLIENTS = new Set(['better-sqlite3', 'sqlite3']);

/**
 * Puts a plugin's SQLite database file in write-ahead-log mode (a setting the file keeps) before
 * the plugin first uses it. In SQLite's default rollback-journal mode every committed transaction
 * waits for several fsyncs; the local portal keeps one file per plugin on disk, and the plugins'
 * migrations and first writes at start (one transaction per table created) spent about 1.5 s of
 * the backend's start blocked in them. In WAL mode better-sqlite3 defaults to `synchronous =
 * NORMAL` (its build sets SQLITE_DEFAULT_WAL_SYNCHRONOUS=1): commits no longer wait for the disk,
 * the file stays consistent, and a committed transaction survives a crash of the backend (only a
 * crash of the machine itself can lose the last ones). In-memory databases and PostgreSQL are
 * left as they are.
 */
export async function useWriteAheadLog(knex: Knex): Promise<void> {
  const client = knex.client.config.client;
  if (typeof client !== 'string' || !SQLITE_CLIENTS.has(client)) {
    return;
  }
  const connection = knex.client.config.connection as
    | { filename?: string }
    | string
    | undefined;
  const filename =
    typeof connection === 'string' ? connection : connection?.filename;
  if (!filename || filename === ':memory:') {
    return;
  }
  await knex.raw('PRAGMA journal_mode = WAL');
}

/**
 * The database service of `@backstage/backend-defaults` (same configuration, same managers), whose
 * SQLite files use a write-ahead log (`useWriteAheadLog`).
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    return DatabaseManager.fromConfig(
      config.getOptional('backend.database')
        ? config
        : new ConfigReader({
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
          }),
      { rootLifecycle, rootLogger },
    );
  },
  async factory(
    { pluginMetadata, lifecycle, logger },
    databaseManager,
  ): Promise<DatabaseService> {
    const database = databaseManager.forPlugin(pluginMetadata.getId(), {
      lifecycle,
      logger,
    });
    let client: Promise<Knex> | undefined;
    return {
      ...database,
      getClient() {
        if (!client) {
          client = database.getClient().then(async knex => {
            await useWriteAheadLog(knex);
            return knex;
          });
          client.catch(() => {
            client = undefined;
          });
        }
        return client;
      },
    };
  },
});
