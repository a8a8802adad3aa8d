import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { crossplanePermissions } from '@internal/plugin-crossplane-common';
import { postgresProvisioningServiceRef } from '@internal/plugin-crossplane-node';
import { createRouter } from './router';

/**
 * Self-service PostgreSQL through Crossplane, under `/api/crossplane`.
 *
 * @public
 */
export const crossplanePlugin = createBackendPlugin({
  pluginId: 'crossplane',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        permissionsRegistry: coreServices.permissionsRegistry,
        provisioning: postgresProvisioningServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        logger,
        permissionsRegistry,
        provisioning,
      }) {
        permissionsRegistry.addPermissions(crossplanePermissions);
        httpRouter.use(await createRouter({ provisioning, httpAuth, logger }));
      },
    });
  },
});
