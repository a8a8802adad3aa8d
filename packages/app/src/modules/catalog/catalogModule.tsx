import {
  coreExtensionData,
  createExtensionInput,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import CategoryIcon from '@material-ui/icons/Category';

/**
 * The catalog's index page with the portal's table columns (names never broken mid-word, every
 * column visible on a laptop). Same id and `filters` input as the catalog's own page, so the
 * entity filters still attach to it.
 */
const portalCatalogPage = PageBlueprint.makeWithOverrides({
  inputs: {
    filters: createExtensionInput([coreExtensionData.reactElement]),
  },
  factory(originalFactory, { inputs }) {
    return originalFactory({
      path: '/catalog',
      routeRef: catalogPlugin.routes.catalogIndex,
      icon: <CategoryIcon fontSize="inherit" />,
      title: 'Catalog',
      loader: async () => {
        const { PortalCatalogPage } = await import('./PortalCatalogPage');
        const filters = inputs.filters.map(filter =>
          filter.get(coreExtensionData.reactElement),
        );
        return <PortalCatalogPage filters={<>{filters}</>} />;
      },
    });
  },
});

export const catalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [portalCatalogPage],
});
