import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { DemoPlatformAuth, demoPlatformAuthApiRef } from './DemoPlatformAuth';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { PortalSignInPage } = await import('./PortalSignInPage');
      return PortalSignInPage;
    },
  },
});

/** The local demo's second sign-in identity; offered only when listed in app.signIn.providers. */
const demoPlatformAuthApi = ApiBlueprint.make({
  name: 'demo-platform-auth',
  params: defineParams =>
    defineParams({
      api: demoPlatformAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) => new DemoPlatformAuth(discoveryApi),
    }),
});

/** Replaces the app's default (guest-only) sign-in page with the configured providers. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, demoPlatformAuthApi],
});
