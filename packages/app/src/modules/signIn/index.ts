import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { PortalSignInPage } = await import('./PortalSignInPage');
      return PortalSignInPage;
    },
  },
});

/** Replaces the app's default (guest-only) sign-in page with the configured providers. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
