import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogModule } from './modules/catalog';
import { navModule } from './modules/nav';
import { sessionCookieModule } from './modules/sessionCookie';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    catalogModule,
    navModule,
    homeModule,
    signInModule,
    sessionCookieModule,
  ],
});
