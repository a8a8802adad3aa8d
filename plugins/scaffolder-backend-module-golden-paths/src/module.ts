import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { localGitRepositoriesServiceRef } from '@internal/plugin-local-git-node';
import { createAwaitEntityAction } from './actions/awaitEntity';
import { createEmitAdoptionAction } from './actions/emitAdoption';
import { createEnsureNameAvailableAction } from './actions/ensureNameAvailable';
import { createPortalPublishAction } from './actions/publish';
import { createRecordProvenanceAction } from './actions/recordProvenance';
import { createRegisterInCatalogAction } from './actions/registerInCatalog';
import { createTemplateUpgradeAction } from './actions/upgrade';
import { goldenPathUpgradePermission } from './permissions';
import { AdoptionEventSender } from './adoption';
import { ScaffolderDryRunRenderer } from './upgrade/ScaffolderDryRunRenderer';
import { createRepositoryPublisher } from './publishers/createRepositoryPublisher';

/**
 * Adds the golden-path actions to the scaffolder: `portal:name:ensure-available`,
 * `portal:publish`, `portal:provenance:record`, `portal:catalog:register`,
 * `portal:catalog:await-entity`, `portal:adoption:emit` and `portal:template:upgrade`.
 *
 * @public
 */
export const scaffolderModuleGoldenPaths = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-paths',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        repositories: localGitRepositoriesServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        reader: coreServices.urlReader,
      },
      async init({
        scaffolder,
        config,
        logger,
        discovery,
        auth,
        catalog,
        repositories,
        permissions,
        permissionsRegistry,
        reader,
      }) {
        // Listed by the scaffolder's permission integration, so policy tooling sees it.
        permissionsRegistry.addPermissions([goldenPathUpgradePermission]);
        const publisher = createRepositoryPublisher({ config, repositories });
        logger.info(`Golden paths publish to ${publisher.displayName}`);
        scaffolder.addActions(
          createEnsureNameAvailableAction({ catalog, publisher }),
          createPortalPublishAction({ publisher }),
          createRecordProvenanceAction(),
          createRegisterInCatalogAction({
            publisher,
            catalog,
            auth,
            integrations: ScmIntegrations.fromConfig(config),
          }),
          createAwaitEntityAction({ catalog }),
          createEmitAdoptionAction({
            sender: new AdoptionEventSender({ discovery, auth, logger }),
          }),
          createTemplateUpgradeAction({
            catalog,
            permissions,
            publisher,
            repositories,
            renderer: new ScaffolderDryRunRenderer({
              reader,
              integrations: ScmIntegrations.fromConfig(config),
              discovery,
              auth,
            }),
          }),
        );
      },
    });
  },
});
