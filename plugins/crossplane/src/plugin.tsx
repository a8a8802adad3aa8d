import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { crossplaneApiRef } from './api/CrossplaneApi';
import { CrossplaneClient } from './api/CrossplaneClient';

const crossplaneApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: crossplaneApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CrossplaneClient({ discoveryApi, fetchApi }),
    }),
});

const entityDatabasesContent = EntityContentBlueprint.make({
  params: {
    path: '/databases',
    title: 'Databases',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityDatabasesContent').then(m => (
        <m.EntityDatabasesContent />
      )),
  },
});

/**
 * Self-service PostgreSQL through Crossplane: a Databases tab on component pages.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'crossplane',
  title: 'Databases',
  extensions: [crossplaneApi, entityDatabasesContent],
});
