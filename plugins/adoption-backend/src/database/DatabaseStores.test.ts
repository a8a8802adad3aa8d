import { TestDatabases } from '@backstage/backend-test-utils';
import { AdoptionEventRecord, DAY_MS } from '../domain';
import { databaseStoresOn, migrateAdoptionDatabase } from './AdoptionStores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const T = Date.parse('2026-11-02T10:00:00Z');

const event = (id: string, taskId: string | null): AdoptionEventRecord => ({
  id,
  type: 'template-run',
  occurredAt: T,
  templateRef: 'template:default/service',
  templateVersion: '1.0.0',
  taskId,
  entityRef: null,
  owner: null,
  kind: null,
  requestedAt: null,
  readyAt: null,
  status: 'completed',
  durationMs: 90_000,
});

describe.each(databases.eachSupportedId())(
  'adoption stores on %p',
  databaseId => {
    async function stores() {
      const knex = await databases.init(databaseId);
      await migrateAdoptionDatabase(knex);
      return databaseStoresOn(knex);
    }

    it('reads events back as they were stored, with the history flag of their task', async () => {
      const s = await stores();
      await s.runs.upsert([
        {
          taskId: 'collected',
          templateRef: 'template:default/service',
          templateVersion: '1.0.0',
          status: 'completed',
          createdAt: T,
          finishedAt: T + 90_000,
          durationMs: 90_000,
          failedStep: null,
          errorMessage: null,
        },
      ]);
      const events = [event('a', 'collected'), event('b', 'not-collected')];
      await s.events.insert(events, {
        receivedAt: T,
        historyTaskIds: await s.runs.storedTaskIds(['collected', 'x']),
      });
      const window = { from: T - DAY_MS, to: T + DAY_MS };
      expect(await s.events.listEvents(window)).toEqual(
        expect.arrayContaining(events),
      );
      // Only the event whose task the history lacks counts as an event-only run.
      expect(
        (await s.events.eventOnlyRunEvents(window)).map(e => e.id),
      ).toEqual(['b']);
      expect(await s.events.unknownIds(['a', 'c'])).toEqual(new Set(['c']));
    });

    it('claims a survey answer once per period and reports an answered user', async () => {
      const s = await stores();
      const claim = (now: number) =>
        s.nps.claimAnswer({ userKey: 'u', now, notBefore: now - 30 * DAY_MS });
      expect(await claim(T)).toBe(true);
      expect(await claim(T + DAY_MS)).toBe(false);
      expect(await claim(T + 31 * DAY_MS)).toBe(true);
      expect(await s.nps.prompt('u')).toEqual({
        answeredAt: T + 31 * DAY_MS,
        dismissedAt: null,
      });
    });

    it('counts the tickets an import updates rather than adds', async () => {
      const s = await stores();
      const ticket = (externalId: string) => ({
        externalId,
        category: 'database',
        team: null,
        openedAt: T,
        resolvedAt: null,
      });
      expect(await s.tickets.upsert([ticket('1'), ticket('2')], T)).toBe(0);
      expect(await s.tickets.upsert([ticket('2'), ticket('3')], T)).toBe(1);
      expect(await s.tickets.count()).toBe(3);
    });

    it('keeps the fingerprint of the snapshot last stored', async () => {
      const s = await stores();
      expect(
        await s.state.lockSnapshotFingerprint('first_deploys'),
      ).toBeUndefined();
      await s.state.recordSnapshotFingerprint('first_deploys', 'f1');
      await s.state.recordSnapshotFingerprint('first_deploys', 'f2');
      expect(await s.state.lockSnapshotFingerprint('first_deploys')).toBe('f2');
    });
  },
);
