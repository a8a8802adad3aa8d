import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { AppRootWrapperBlueprint } from '@backstage/plugin-app-react';
import { KeepSessionCookie } from './KeepSessionCookie';

const keepSessionCookie = AppRootWrapperBlueprint.make({
  name: 'session-cookie',
  params: { component: KeepSessionCookie },
});

/** Keeps the signed-in user's backend session cookie for links into the backend. */
export const sessionCookieModule = createFrontendModule({
  pluginId: 'app',
  extensions: [keepSessionCookie],
});
