import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import TimelineIcon from '@material-ui/icons/Timeline';
import { doraApiRef } from './api/DoraApi';
import { DoraClient } from './api/DoraClient';

const rootRouteRef = createRouteRef();

const doraApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: doraApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DoraClient({ discoveryApi, fetchApi }),
    }),
});

const doraPage = PageBlueprint.make({
  params: {
    path: '/dora',
    title: 'DORA',
    icon: <TimelineIcon />,
    routeRef: rootRouteRef,
    loader: () => import('./components/DoraPage').then(m => <m.DoraPage />),
  },
});

const isComponent = { kind: 'component' };

const entityDoraContent = EntityContentBlueprint.make({
  params: {
    path: '/dora',
    title: 'DORA',
    filter: isComponent,
    loader: () =>
      import('./components/EntityDoraContent').then(m => (
        <m.EntityDoraContent />
      )),
  },
});

const entityDoraCard = EntityCardBlueprint.make({
  params: {
    filter: isComponent,
    loader: () =>
      import('./components/EntityDoraCard').then(m => <m.EntityDoraCard />),
  },
});

/**
 * DORA dashboards: a leadership page at /dora, a DORA tab and an overview card on components.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'dora',
  title: 'DORA',
  routes: { root: rootRouteRef },
  extensions: [doraApi, doraPage, entityDoraContent, entityDoraCard],
});
