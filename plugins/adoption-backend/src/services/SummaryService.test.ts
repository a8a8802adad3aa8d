import { TestDatabases } from '@backstage/backend-test-utils';
import { createTestStore, readTestConfig } from '../__testUtils__/testUtils';
import { SummaryService } from './SummaryService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
  disableDocker: true,
});

const T = Date.parse('2026-11-22T10:00:00Z');
const ticket = (id: string) => ({
  externalId: id,
  category: 'database',
  team: null,
  openedAt: T - 1000,
  resolvedAt: null,
});

describe.each(databases.eachSupportedId())(
  'SummaryService on %p',
  databaseId => {
    it('serves the stored summary until a write must show or it is too old', async () => {
      const { store } = await createTestStore(databases, databaseId);
      const service = SummaryService.create({
        store,
        config: readTestConfig(),
        maxAgeMs: 60_000,
      });
      const compute = jest.spyOn(service, 'compute');

      expect((await service.summary(30, T)).selfService.overall.tickets).toBe(
        0,
      );
      expect(compute).toHaveBeenCalledTimes(1);

      // A write that does not bump the version is not seen until the summary ages out.
      await store.upsertTickets([ticket('T-1')]);
      expect(
        (await service.summary(30, T + 1000)).selfService.overall.tickets,
      ).toBe(0);
      expect(compute).toHaveBeenCalledTimes(1);
      expect(
        (await service.summary(30, T + 61_000)).selfService.overall.tickets,
      ).toBe(1);
      expect(compute).toHaveBeenCalledTimes(2);

      // A bumped version (ticket import, events) shows at once.
      await store.upsertTickets([ticket('T-2')]);
      await store.bumpDataVersion();
      expect(
        (await service.summary(30, T + 62_000)).selfService.overall.tickets,
      ).toBe(2);
      expect(compute).toHaveBeenCalledTimes(3);

      // Each window has its own summary.
      await service.summary(90, T + 62_000);
      expect(compute).toHaveBeenCalledTimes(4);
    });

    it('shares one computation between concurrent reads', async () => {
      const { store } = await createTestStore(databases, databaseId);
      const service = SummaryService.create({
        store,
        config: readTestConfig(),
      });
      const compute = jest.spyOn(service, 'compute');
      const results = await Promise.all([
        service.refresh(30, T),
        service.refresh(30, T),
        service.refresh(30, T),
      ]);
      expect(compute).toHaveBeenCalledTimes(1);
      expect(results[0]).toBe(results[2]);
    });
  },
);
