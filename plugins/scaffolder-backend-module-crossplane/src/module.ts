import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { postgresProvisioningServiceRef } from '@internal/plugin-crossplane-node';
import { createCrossplanePostgresAction } from './actions/createPostgres';

/**
 * Adds `crossplane:postgres:create` to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleCrossplane = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'crossplane',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        provisioning: postgresProvisioningServiceRef,
      },
      async init({ scaffolder, provisioning }) {
        scaffolder.addActions(createCrossplanePostgresAction({ provisioning }));
      },
    });
  },
});
