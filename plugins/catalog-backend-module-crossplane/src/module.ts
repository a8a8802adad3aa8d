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
  KubernetesClientModule,
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

/** Options of {@link createCatalogModuleCrossplane}. @public */
export interface CatalogModuleCrossplaneOptions {
  /** Loads `@kubernetes/client-node`; `await import()` by default. */
  loadClient?: () => Promise<KubernetesClientModule>;
}

/**
 * The catalog module with options (tests load the Kubernetes client their own way).
 * @public
 */
export function createCatalogModuleCrossplane(
  options: CatalogModuleCrossplaneOptions = {},
) {
  return createBackendModule({
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
              loadClient: options.loadClient,
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
}

/**
 * Adds the PostgreSQL databases requested through Crossplane to the catalog as Resource entities.
 * @public
 */
export const catalogModuleCrossplane = createCatalogModuleCrossplane();
