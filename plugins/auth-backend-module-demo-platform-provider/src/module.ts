import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The provider id: `/api/auth/demo-platform/refresh`, config `auth.providers.demo-platform`. */
export const DEMO_PLATFORM_PROVIDER_ID = 'demo-platform';

/**
 * The demo identity goes only to the portal's own pages. A browser sends `Origin` with every
 * cross-origin request, so a page elsewhere (any web site the developer has open) that calls
 * `/api/auth/demo-platform/refresh` on localhost is refused here instead of receiving a platform
 * team token. Requests without `Origin` come from the portal's own origin or from a process on
 * the machine, which local mode trusts (docs/security.md); the backend's Host check keeps DNS
 * rebinding pages out.
 */
function createDemoAuthenticator(allowedOrigins: Set<string>) {
  return createProxyAuthenticator({
    defaultProfileTransform: async () => ({ profile: {} }),
    initialize: () => undefined,
    async authenticate({ req }) {
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins.has(origin)) {
        throw new NotAllowedError(
          `The demo platform sign-in answers only the portal's own pages (${[
            ...allowedOrigins,
          ].join(', ')}), not ${origin}`,
        );
      }
      return { result: {} };
    },
  });
}

/**
 * Local demo only: signs in as a configured catalog user (a member of the Platform team),
 * so the organisation-wide dashboards can be shown while the guest stays a Payments engineer.
 * Registered only when `auth.providers.demo-platform` is configured and `auth.environment` is
 * `development`; the identity's groups come from the catalog, like any user's.
 *
 * @public
 */
export const authModuleDemoPlatformProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-platform-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const settings = config.getOptionalConfig(
          `auth.providers.${DEMO_PLATFORM_PROVIDER_ID}`,
        );
        if (!settings) {
          return;
        }
        const environment = config.getOptionalString('auth.environment');
        const allowedOrigins = new Set(
          ['app.baseUrl', 'backend.baseUrl'].flatMap(key => {
            const url = config.getOptionalString(key);
            return url ? [new URL(url).origin] : [];
          }),
        );
        const userEntityRef = settings.getString('userEntityRef');
        providers.registerProvider({
          providerId: DEMO_PLATFORM_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: createDemoAuthenticator(allowedOrigins),
            async signInResolver(_info, ctx) {
              if (environment !== 'development') {
                throw new NotAllowedError(
                  'The demo platform sign-in works only with auth.environment: development',
                );
              }
              return ctx.signInWithCatalogUser({ entityRef: userEntityRef });
            },
          }),
        });
        logger.info(
          `Demo sign-in '${DEMO_PLATFORM_PROVIDER_ID}' as ${userEntityRef} is on (local demo only)`,
        );
      },
    });
  },
});
