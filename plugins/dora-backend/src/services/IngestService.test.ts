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

  it('maps a new component at once even just after a key nobody claims was looked up (issue 16, 11)', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DoraStore.create({
      database: { getClient: async () => knex },
    });
    const entities = [component('payments-api')];
    // A catalog answering filters on name and annotations, as the catalog does (ignoring case).
    const fieldOf = (entity: Entity, field: string) => {
      const fields: Record<string, string | undefined> = {
        kind: entity.kind,
        'metadata.name': entity.metadata.name,
        'metadata.namespace': entity.metadata.namespace,
      };
      return field in fields
        ? fields[field]
        : entity.metadata.annotations?.[
            field.slice('metadata.annotations.'.length)
          ];
    };
    const matches = (entity: Entity, filter: Record<string, string>) =>
      Object.entries(filter).every(
        ([field, value]) =>
          fieldOf(entity, field)?.toLowerCase() === value.toLowerCase(),
      );
    const serviceMap = CatalogServiceMap.create({
      catalog: {
        getEntities: async ({
          filter,
        }: {
          filter: Record<string, string>;
        }) => ({
          items: entities.filter(e => matches(e, filter)),
        }),
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
    const deployment = (repository: string, id: string) => ({
      type: 'deployment' as const,
      source: 'api:test',
      externalId: id,
      serviceKeyType: 'github' as const,
      serviceKey: repository,
      environment: 'production',
      stream: 'production',
      production: true,
      status: 'success' as const,
      kind: 'regular' as const,
      startedAt: now - 120_000,
      finishedAt: now - 60_000,
    });
    // A repository no component claims keeps sending events.
    await ingest.ingest([deployment('acme/legacy-tool', 'd1')], now);
    // Seconds later a golden path registers orders-api, and its repository deploys.
    entities.push({
      ...component('orders-api'),
      metadata: {
        name: 'orders-api',
        namespace: 'default',
        annotations: { 'github.com/project-slug': 'acme/orders-api' },
      },
    });
    await ingest.ingest([deployment('acme/legacy-tool', 'd2')], now);
    await ingest.ingest([deployment('Acme/Orders-API', 'd3')], now);
    expect((await store.listUnmapped()).map(u => u.service)).toEqual([
      'acme/legacy-tool',
    ]);
  });
});
