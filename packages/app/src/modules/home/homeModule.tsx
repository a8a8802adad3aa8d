import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageLayoutBlueprint } from '@backstage/plugin-home-react/alpha';

/**
 * Home as a fixed page per audience instead of the customisable widget grid, which opened empty
 * and in edit mode: the layout ignores the (no longer installed) widgets.
 */
const portalHomeLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: async () => {
      const { PortalHome } = await import('./PortalHome');
      return () => <PortalHome />;
    },
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [portalHomeLayout],
});
