import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { doraPermissions } from '@internal/plugin-dora-common';
import { readDoraConfig } from './config';
import { createRouter } from './router';
import { CatalogServiceMap } from './services/CatalogServiceMap';
import { seedDemoData } from './services/DemoSeeder';
import { DoraStore } from './services/DoraStore';
import { IngestService } from './services/IngestService';
import { MetricsService } from './services/MetricsService';

/**
 * The DORA metrics backend plugin: ingest endpoints for GitHub, PagerDuty, Argo CD and a generic
 * API, and the metrics API, under `/api/dora`.
 *
 * @public
 */
export const doraPlugin = createBackendPlugin({
  pluginId: 'dora',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, httpRouter, scheduler } = deps;
        const config = readDoraConfig(deps.config);
        const store = await DoraStore.create({ database: deps.database });
        const serviceMap = CatalogServiceMap.create({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
        });
        const ingest = IngestService.create({ store, serviceMap, logger });
        const metrics = MetricsService.create({
          store,
          serviceMap,
          bandYear: config.bandYear,
          incidentFallbackHours: config.incidentFallbackHours,
        });

        deps.permissionsRegistry.addPermissions(doraPermissions);
        httpRouter.use(
          await createRouter({
            config,
            ingest,
            metrics,
            store,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger,
          }),
        );
        // These routes authenticate themselves with source tokens and webhook signatures.
        httpRouter.addAuthPolicy({ path: '/events', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });

        await scheduler.scheduleTask({
          id: 'dora-remap-services',
          frequency: { minutes: 5 },
          timeout: { minutes: 5 },
          // Give the catalog time to process its locations before the first mapping.
          initialDelay: { seconds: 60 },
          fn: async () => {
            if (config.demoData) {
              await seedDemoData({
                store,
                resolve: serviceMap.resolve,
                logger,
              });
            }
            const changed = await ingest.remap();
            if (changed > 0) {
              logger.info(
                `DORA: remapped ${changed} events to catalog components`,
              );
            }
          },
        });
      },
    });
  },
});
