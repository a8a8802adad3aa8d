import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendPlugin,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseServiceFactory } from './sqliteWriteAheadLog';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** Starts a backend with the portal's database service; what a plugin's client reports. */
async function journalModeOf(database: object) {
  const reported: { mode?: string; sameClient?: boolean } = {};
  const plugin = createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { db: coreServices.database },
        async init({ db }) {
          const clients: Knex[] = [await db.getClient(), await db.getClient()];
          const [row] = await clients[0].raw('PRAGMA journal_mode');
          reported.mode = row.journal_mode;
          reported.sameClient = clients[0] === clients[1];
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin,
      databaseServiceFactory,
      mockServices.rootConfig.factory({ data: { backend: { database } } }),
    ],
  });
  await backend.stop();
  return reported;
}

describe('the database service with SQLite files in write-ahead-log mode', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'portal-sqlite-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("puts each plugin's SQLite file in WAL mode before the plugin uses it", async () => {
    await expect(
      journalModeOf({
        client: 'better-sqlite3',
        connection: { directory: dir },
      }),
    ).resolves.toEqual({ mode: 'wal', sameClient: true });
  });

  it('leaves an in-memory SQLite database as it is', async () => {
    await expect(
      journalModeOf({ client: 'better-sqlite3', connection: ':memory:' }),
    ).resolves.toEqual({ mode: 'memory', sameClient: true });
  });
});
