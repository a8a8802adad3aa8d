import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import {
  DemoLeadershipAuth,
  demoLeadershipAuthApiRef,
} from './DemoLeadershipAuth';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { PortalSignInPage } = await import('./PortalSignInPage');
      return PortalSignInPage;
    },
  },
});

/** The local demo's second sign-in identity; offered only when listed in app.signIn.providers. */
const demoLeadershipAuthApi = ApiBlueprint.make({
  name: 'demo-leadership-auth',
  params: defineParams =>
    defineParams({
      api: demoLeadershipAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) => new DemoLeadershipAuth(discoveryApi),
    }),
});

/** Replaces the app's default (guest-only) sign-in page with the configured providers. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, demoLeadershipAuthApi],
});
