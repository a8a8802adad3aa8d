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

/**
 * The provider id: `/api/auth/demo-platform/refresh`, config `auth.providers.demo-platform`.
 *
 * @public
 */
export const DEMO_PLATFORM_PROVIDER_ID = 'demo-platform';

/**
 * The leadership demo (a member of the leadership groups): `/api/auth/demo-leadership/refresh`,
 * config `auth.providers.demo-leadership`.
 *
 * @public
 */
export const DEMO_LEADERSHIP_PROVIDER_ID = 'demo-leadership';

const DEMO_PROVIDER_IDS = [
  DEMO_PLATFORM_PROVIDER_ID,
  DEMO_LEADERSHIP_PROVIDER_ID,
] as const;

/**
 * A demo identity goes only to the portal's own pages. A browser sends `Origin` with every
 * cross-origin request, so a page elsewhere (any web site the developer has open) that calls
 * `/api/auth/demo-<id>/refresh` on localhost is refused here instead of receiving a platform or
 * leadership token. Requests without `Origin` come from the portal's own origin or from a process on
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
          `The demo sign-in answers only the portal's own pages (${[
            ...allowedOrigins,
          ].join(', ')}), not ${origin}`,
        );
      }
      return { result: {} };
    },
  });
}

/**
 * Local demo only: signs in as configured catalog users (`demo-platform`: a member of the Platform
 * team; `demo-leadership`: a member of the leadership groups), so the organisation-wide dashboards
 * and the leader's Home can be shown while the guest stays a Payments engineer. Each provider is
 * registered only when `auth.providers.<id>` is configured and signs in only when
 * `auth.environment` is `development`; the identity's groups come from the catalog, like any user's.
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
        const environment = config.getOptionalString('auth.environment');
        const allowedOrigins = new Set(
          ['app.baseUrl', 'backend.baseUrl'].flatMap(key => {
            const url = config.getOptionalString(key);
            return url ? [new URL(url).origin] : [];
          }),
        );
        const demoAuthenticator = createDemoAuthenticator(allowedOrigins);
        for (const providerId of DEMO_PROVIDER_IDS) {
          const settings = config.getOptionalConfig(
            `auth.providers.${providerId}`,
          );
          if (!settings) {
            continue;
          }
          const userEntityRef = settings.getString('userEntityRef');
          providers.registerProvider({
            providerId,
            factory: createProxyAuthProviderFactory({
              authenticator: demoAuthenticator,
              async signInResolver(_info, ctx) {
                if (environment !== 'development') {
                  throw new NotAllowedError(
                    `The demo sign-in '${providerId}' works only with auth.environment: development`,
                  );
                }
                return ctx.signInWithCatalogUser({ entityRef: userEntityRef });
              },
            }),
          });
          logger.info(
            `Demo sign-in '${providerId}' as ${userEntityRef} is on (local demo only)`,
          );
        }
      },
    });
  },
});
