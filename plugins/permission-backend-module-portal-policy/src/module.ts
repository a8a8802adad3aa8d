import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readPortalPolicySettings } from './config';
import { PortalPermissionPolicy } from './PortalPermissionPolicy';

/**
 * Installs the portal's permission policy in the permission backend.
 *
 * @public
 */
export const permissionModulePortalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new PortalPermissionPolicy(
            readPortalPolicySettings(config),
            userInfo,
          ),
        );
      },
    });
  },
});
