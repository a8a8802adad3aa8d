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
      await store.state.bumpDataVersion();
      expect(
        (await service.summary(30, T + 62_000)).selfService.overall.tickets,
      ).toBe(2);
      expect(compute).toHaveBeenCalledTimes(3);

      // Each window has its own summary.
      await service.summary(90, T + 62_000);
      expect(compute).toHaveBeenCalledTimes(4);
    });

    it('reloads the catalog side only after it changed', async () => {
      const { store } = await createTestStore(databases, databaseId);
      const service = SummaryService.create({
        store,
        config: readTestConfig(),
      });
      const listComponents = jest.spyOn(store.catalog, 'listComponents');
      const component = (name: string, templateRef: string | null) => ({
        entityRef: `component:default/${name}`,
        owner: 'group:default/payments',
        templateRef,
        templateVersion: templateRef ? '1.0.0' : null,
        createdAt: templateRef ? T - 3 * 86_400_000 : null,
      });
      await store.replaceCatalogSnapshot(
        [component('a', 'template:default/ts'), component('b', null)],
        new Map(),
      );
      expect((await service.refresh(30, T)).coverage.overall.components).toBe(
        2,
      );
      expect(listComponents).toHaveBeenCalledTimes(1);

      // Writes that do not touch the catalog side reuse what was loaded, in every window.
      await store.upsertTickets([ticket('T-1')]);
      await store.state.bumpDataVersion();
      const afterTicket = await service.summary(30, T + 1000);
      expect(afterTicket.selfService.overall.tickets).toBe(1);
      expect(afterTicket.coverage.overall.fromTemplate).toBe(1);
      await service.refresh(90, T + 1000);
      expect(listComponents).toHaveBeenCalledTimes(1);

      // An unchanged snapshot (the collector's every run) keeps them too.
      await store.replaceCatalogSnapshot(
        [component('b', null), component('a', 'template:default/ts')],
        new Map(),
      );
      await service.refresh(30, T + 2000);
      expect(listComponents).toHaveBeenCalledTimes(1);

      // A new component, a first deploy or a provenance event is seen at the next computation.
      await store.replaceCatalogSnapshot(
        [
          component('a', 'template:default/ts'),
          component('b', null),
          component('c', null),
        ],
        new Map(),
      );
      // A stored summary is stale after a catalog change too, not only after a data write.
      expect(
        (await service.summary(30, T + 3000)).coverage.overall.components,
      ).toBe(3);
      expect(listComponents).toHaveBeenCalledTimes(2);

      await store.replaceFirstDeploys(
        new Map([['component:default/a', T - 86_400_000]]),
      );
      expect(
        (await service.refresh(30, T + 4000)).timeToFirstDeploy.overall
          .deployed,
      ).toBe(1);
      expect(listComponents).toHaveBeenCalledTimes(3);

      await store.insertEvents([
        {
          id: 'run-c',
          type: 'template-run',
          occurredAt: T - 1000,
          templateRef: 'template:default/ts',
          templateVersion: '1.0.0',
          taskId: null,
          entityRef: 'component:default/c',
          owner: 'group:default/payments',
          kind: null,
          requestedAt: null,
          readyAt: null,
          status: 'completed',
          durationMs: null,
        },
      ]);
      expect(
        (await service.refresh(30, T + 5000)).coverage.overall.fromTemplate,
      ).toBe(2);
      expect(listComponents).toHaveBeenCalledTimes(4);
    });

    it('reloads the catalog side after maxAgeMs even without a catalog change', async () => {
      const { store } = await createTestStore(databases, databaseId);
      const service = SummaryService.create({
        store,
        config: readTestConfig(),
        maxAgeMs: 60_000,
      });
      const listComponents = jest.spyOn(store.catalog, 'listComponents');
      const now = jest.spyOn(Date, 'now').mockReturnValue(T);
      try {
        await service.refresh(30, T);
        now.mockReturnValue(T + 30_000);
        await service.refresh(30, T + 30_000);
        expect(listComponents).toHaveBeenCalledTimes(1);
        now.mockReturnValue(T + 61_000);
        await service.refresh(30, T + 61_000);
        expect(listComponents).toHaveBeenCalledTimes(2);
      } finally {
        now.mockRestore();
      }
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
