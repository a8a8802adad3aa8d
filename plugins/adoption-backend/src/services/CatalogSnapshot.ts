import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { normalizedEntityRefOf } from '@internal/plugin-portal-node';
import { ANNOTATIONS, componentRecordOf } from './provenance';
import { AdoptionData } from './AdoptionData';

/**
 * Copies the catalog's components (owner and provenance annotations) and the versions templates
 * declare into the store, so the dashboards read one table instead of the catalog per request.
 */
export class CatalogSnapshot {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      store: AdoptionData;
      logger: LoggerService;
    },
  ) {}

  async refresh(): Promise<number> {
    const { catalog, auth, store } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      {
        filter: { kind: ['Component', 'Template'] },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'spec.owner',
        ],
      },
      { credentials },
    );
    const components = items
      .filter(e => e.kind.toLocaleLowerCase('en-US') === 'component')
      .map(componentRecordOf);
    const templates = new Map<string, string>();
    for (const t of items.filter(
      e => e.kind.toLocaleLowerCase('en-US') === 'template',
    )) {
      const version = t.metadata.annotations?.[ANNOTATIONS.templateVersion];
      if (version) {
        templates.set(normalizedEntityRefOf(t), version.trim().slice(0, 64));
      }
    }
    await store.replaceCatalogSnapshot(components, templates);
    return components.length;
  }
}
