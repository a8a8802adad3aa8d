import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { TechDocsPrebuilder } from './TechDocsPrebuilder';

/** The search plugin's task that indexes TechDocs (search-backend-node names it by type). */
const techdocsCollatorTaskId = 'search_index_techdocs';

/**
 * Local demo (`techdocs.builder: local`): builds the docs nobody has opened yet, so searching a
 * doc's text finds it and the Documentation filter has an index to query, then has the TechDocs
 * collator index them right away instead of at its next run. With the external builder (CI
 * publishes the docs, as in production) there is nothing to do.
 */
export const searchModuleTechDocsPrebuild = createBackendModule({
  pluginId: 'search',
  moduleId: 'techdocs-prebuild',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
      },
      async init({ config, logger, auth, discovery, scheduler }) {
        if (config.getOptionalString('techdocs.builder') !== 'local') {
          return;
        }
        const prebuilder = TechDocsPrebuilder.create({
          discovery,
          auth,
          logger,
        });
        // Set when docs were built but the collator could not be started (it was running):
        // the next pass starts it.
        let indexPending = false;
        await scheduler.scheduleTask({
          id: 'techdocs-prebuild',
          // Often enough that a service created from a golden path is searchable within a minute;
          // a pass over entities whose docs exist costs one metadata request each.
          frequency: { minutes: 1 },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 10 },
          fn: async () => {
            const { built } = await prebuilder.buildMissingDocs();
            if (built.length > 0) {
              logger.info(
                `Built TechDocs for ${built.length} entities; indexing them for search`,
              );
              indexPending = true;
            }
            if (!indexPending) {
              return;
            }
            try {
              await scheduler.triggerTask(techdocsCollatorTaskId);
              indexPending = false;
            } catch (error) {
              logger.info(
                `TechDocs search index not started yet: ${
                  (error as Error).message
                }`,
              );
            }
          },
        });
      },
    });
  },
});
