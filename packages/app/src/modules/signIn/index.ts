import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import {
  DemoAuth,
  demoLeadershipAuthApiRef,
  demoPlatformAuthApiRef,
} from './DemoAuth';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { PortalSignInPage } = await import('./PortalSignInPage');
      return PortalSignInPage;
    },
  },
});

/** The local demo's other sign-in identities; offered only when listed in app.signIn.providers. */
const demoPlatformAuthApi = ApiBlueprint.make({
  name: 'demo-platform-auth',
  params: defineParams =>
    defineParams({
      api: demoPlatformAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) =>
        new DemoAuth(discoveryApi, 'demo-platform'),
    }),
});

const demoLeadershipAuthApi = ApiBlueprint.make({
  name: 'demo-leadership-auth',
  params: defineParams =>
    defineParams({
      api: demoLeadershipAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) =>
        new DemoAuth(discoveryApi, 'demo-leadership'),
    }),
});

/** Replaces the app's default (guest-only) sign-in page with the configured providers. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, demoPlatformAuthApi, demoLeadershipAuthApi],
});
