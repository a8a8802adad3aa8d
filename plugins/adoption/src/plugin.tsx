import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationBlueprint } from '@backstage/plugin-app-react';
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import { adoptionApiRef } from './api/AdoptionApi';
import { AdoptionClient } from './api/AdoptionClient';
import { BatchingAnalytics } from './analytics/BatchingAnalytics';
import { NpsPrompt } from './components/NpsPrompt';

const rootRouteRef = createRouteRef();

const adoptionApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: adoptionApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AdoptionClient({ discoveryApi, fetchApi }),
    }),
});

const adoptionPage = PageBlueprint.make({
  params: {
    path: '/adoption',
    title: 'Adoption',
    icon: <TrendingUpIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/AdoptionPage').then(m => <m.AdoptionPage />),
  },
});

/** Sends the portal's analytics events, batched, to the adoption backend. */
const adoptionAnalytics = AnalyticsImplementationBlueprint.make({
  params: defineParams =>
    defineParams({
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => {
        const client = new AdoptionClient({ discoveryApi, fetchApi });
        return new BatchingAnalytics(events => client.sendAnalytics(events));
      },
    }),
});

const npsPrompt = AppRootElementBlueprint.make({
  name: 'nps-prompt',
  params: { element: <NpsPrompt /> },
});

/**
 * Adoption: the leadership page at /adoption, the portal's analytics implementation and the
 * in-portal NPS survey.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'adoption',
  title: 'Adoption',
  routes: { root: rootRouteRef },
  extensions: [adoptionApi, adoptionPage, adoptionAnalytics, npsPrompt],
});
