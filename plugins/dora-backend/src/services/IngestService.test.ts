import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogServiceMap } from './CatalogServiceMap';
import { DoraStore } from './DoraStore';
import { IngestService } from './IngestService';

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'group:default/payments' },
});

describe('IngestService', () => {
  it('maps events of a component the catalog learned about since its last snapshot (issue 16, 11)', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    const entities = [component('payments-api')];
    const serviceMap = CatalogServiceMap.create({
      catalog: {
        getEntities: async () => ({ items: [...entities] }),
      } as any,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });
    const ingest = IngestService.create({
      store,
      serviceMap,
      logger: mockServices.logger.mock(),
    });
    const now = Date.parse('2025-06-01T12:00:00Z');
    const deployment = (service: string, id: string) => ({
      type: 'deployment' as const,
      source: 'api:test',
      externalId: id,
      serviceKeyType: 'entity' as const,
      serviceKey: service,
      environment: 'production',
      stream: 'production',
      production: true,
      status: 'success' as const,
      kind: 'regular' as const,
      startedAt: now - 120_000,
      finishedAt: now - 60_000,
    });
    await ingest.ingest([deployment('payments-api', 'd1')], now);
    // A golden path creates orders-api a moment later; its first deployment follows.
    entities.push(component('orders-api'));
    await ingest.ingest([deployment('orders-api', 'd2')], now);
    expect(await store.listUnmapped()).toEqual([]);
  });
});
