import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { doraPlugin } from './plugin';
import { DEMO_MARKER } from './services/DemoSeeder';
import { DoraStore } from './services/DoraStore';
import { testDoraConfig, testEntities } from './testUtils';

jest.setTimeout(120_000);

/** Every message logged by the backends of a test, whichever plugin or replica logged it. */
function recordingLogger(messages: string[]) {
  const logger: LoggerService = {
    error: message => messages.push(message),
    warn: message => messages.push(message),
    info: message => messages.push(message),
    debug: () => {},
    child: () => logger,
  };
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => logger,
  });
}

/** One replica of the portal's backend with the demo history on, on a shared database. */
async function startReplica(knex: Knex, messages: string[] = []) {
  return startTestBackend({
    features: [
      doraPlugin,
      mockServices.rootConfig.factory({
        data: { dora: { ...testDoraConfig, demoData: true } },
      }),
      catalogServiceMock.factory({ entities: testEntities }),
      mockServices.database.factory({ knex }),
      // The real scheduler (the test backend's mock runs tasks inside startup): global tasks
      // claimed through the shared database, as replicas do.
      schedulerServiceFactory,
      recordingLogger(messages),
    ],
  });
}

/** Deployments counted in the payments-api demo component's last 30 days. */
async function paymentsDeployments(server: any): Promise<number> {
  const res = await request(server)
    .get('/api/dora/metrics')
    .query({
      scope: 'service',
      ref: 'component:default/payments-api',
      window: '30',
    })
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return res.body.metrics.deploymentFrequency.eventCount;
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

describe('doraPlugin demo history', () => {
  // Replicas share a database only on PostgreSQL; the local SQLite is one process's.
  const databases = TestDatabases.create({
    ids: ['POSTGRES_18'],
    disableDocker: true,
  });

  it.each(databases.eachSupportedId())(
    'starts and answers while the demo seed waits, then serves the seeded figures, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await DoraStore.create({ database: { getClient: async () => knex } });
      // Another replica is in the middle of the seed: its marker insert is not committed, so this
      // replica's seed waits on the marker's key until that transaction ends.
      const otherReplica = await knex.transaction();
      await otherReplica('dora_markers').insert({
        name: DEMO_MARKER,
        created_at: Date.now(),
      });
      let backend: Awaited<ReturnType<typeof startReplica>>;
      try {
        backend = await startReplica(knex);
        expect(await paymentsDeployments(backend.server)).toBe(0);
      } finally {
        // The other replica fails: its marker goes, and this replica's seed goes ahead.
        await otherReplica.rollback();
      }
      await eventually(
        () => paymentsDeployments(backend.server),
        count => count > 0,
      );
      // Seeded by this replica, under its own marker.
      expect(
        await knex('dora_markers').where('name', DEMO_MARKER),
      ).toHaveLength(1);
      await backend.stop();
    },
  );

  it.each(databases.eachSupportedId())(
    'seeds the demo history once with two replicas on one database, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const messages: string[] = [];
      // One after the other, as a rolling deploy starts them (two first migrations of one empty
      // database at once are another matter); both schedule the seed task.
      const replicas = [
        await startReplica(knex, messages),
        await startReplica(knex, messages),
      ];
      const counts = await Promise.all(
        replicas.map(replica =>
          eventually(
            () => paymentsDeployments(replica.server),
            count => count > 0,
          ),
        ),
      );
      // Both replicas serve the same history from the shared database.
      expect(counts[1]).toBe(counts[0]);
      expect(
        messages.filter(m => /^DORA: seeded \d+ demo events/.test(m)),
      ).toHaveLength(1);
      expect(
        await knex('dora_markers').where('name', DEMO_MARKER),
      ).toHaveLength(1);
      await Promise.all(replicas.map(replica => replica.stop()));
    },
  );
});
