import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  KubernetesClusterClient,
  POSTGRES_INSTANCE_CHANGED_TOPIC,
  readCrossplaneConfig,
} from '@internal/plugin-crossplane-node';
import { CrossplaneDatabaseEntityProvider } from './provider/CrossplaneDatabaseEntityProvider';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 3 },
  initialDelay: { seconds: 5 },
};

/**
 * The catalog module: PostgreSQL databases requested through Crossplane as Resource entities,
 * read from the cluster on a schedule and at once when the crossplane plugin announces a change.
 * @public
 */
export const catalogModuleCrossplane = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'crossplane',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({
        catalogProcessing,
        config,
        logger,
        scheduler,
        auth,
        catalog,
        events,
      }) {
        const crossplane = readCrossplaneConfig(config);
        const scheduleConfig = config.getOptionalConfig(
          'crossplane.catalog.schedule',
        );
        const provider = CrossplaneDatabaseEntityProvider.create({
          client: KubernetesClusterClient.create({
            cluster: crossplane.cluster,
          }),
          clusterUrl: crossplane.cluster.url,
          teamNamespaces: crossplane.teamNamespaces,
          catalog,
          auth,
          logger,
          taskRunner: scheduler.createScheduledTaskRunner(
            scheduleConfig
              ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                  scheduleConfig,
                )
              : DEFAULT_SCHEDULE,
          ),
        });
        catalogProcessing.addEntityProvider(provider);

        // The portal announces each database it creates or sees turn Ready: read it in at once
        // rather than on the next scheduled run. Never in the caller's way.
        await events.subscribe({
          id: 'crossplane-postgres-entity-provider',
          topics: [POSTGRES_INSTANCE_CHANGED_TOPIC],
          onEvent: async () => {
            provider
              .refresh()
              .catch(error =>
                logger.warn(
                  `Refreshing databases after an announcement failed: ${error.message}`,
                ),
              );
          },
        });
      },
    });
  },
});
