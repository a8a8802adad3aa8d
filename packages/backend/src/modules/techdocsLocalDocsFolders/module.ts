import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { techdocsPreparerExtensionPoint } from '@backstage/plugin-techdocs-node';
import { LocalDocsFolderPreparer } from './LocalDocsFolderPreparer';

/**
 * TechDocs builds the docs of a local folder (a `dir:` source of an entity registered from a
 * file, like the portal's own entry) only when they changed, from a copy of what MkDocs reads,
 * so the reader shows them at once instead of rebuilding and then asking for a refresh.
 */
export const techdocsModuleLocalDocsFolders = createBackendModule({
  pluginId: 'techdocs',
  moduleId: 'local-docs-folders',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        preparers: techdocsPreparerExtensionPoint,
      },
      async init({ config, logger, urlReader, preparers }) {
        preparers.registerPreparer(
          'dir',
          LocalDocsFolderPreparer.fromConfig(config, {
            logger,
            reader: urlReader,
          }),
        );
      },
    });
  },
});
