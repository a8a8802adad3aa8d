import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { adoptionPermissions } from '@internal/plugin-adoption-common';
import { leadershipPermissions } from '@internal/plugin-leadership-common';
import { readAdoptionConfig } from './config';
import { createRouter } from './router';
import { AdoptionData } from './services/AdoptionData';
import { CatalogSnapshot } from './services/CatalogSnapshot';
import { seedDemoAdoption } from './services/DemoSeeder';
import { DoraFirstDeploys } from './services/DoraFirstDeploys';
import { IngestService } from './services/IngestService';
import { ScaffolderTaskHistory } from './services/ScaffolderTaskHistory';
import { STANDARD_WINDOWS, SummaryService } from './services/SummaryService';
import { TemplateRunCollector } from './services/TemplateRunCollector';

/** Scheduled runs after which the demo seed stops waiting for the DORA demo history. */
const DEMO_WAIT_RUNS = 5;

/**
 * The adoption backend plugin under `/api/adoption`: ingest of adoption events, tickets,
 * analytics and NPS answers, the dashboards' summary, and a scheduled collector of template runs
 * (scaffolder task history), catalog provenance and first production deployments (DORA).
 *
 * @public
 */
export const adoptionPlugin = createBackendPlugin({
  pluginId: 'adoption',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        discovery: coreServices.discovery,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, scheduler, auth, discovery } = deps;
        const config = readAdoptionConfig(deps.config);
        const store = await AdoptionData.create({ database: deps.database });
        const ingest = IngestService.create({ store, config, logger });
        const summary = SummaryService.create({ store, config });

        // The organisation-wide views check leadership.dashboards.read too; registering it lets
        // the permission backend (and policy tooling) know this plugin uses it.
        deps.permissionsRegistry.addPermissions([
          ...adoptionPermissions,
          ...leadershipPermissions,
        ]);
        deps.httpRouter.use(
          await createRouter({
            ingest,
            summary,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger,
          }),
        );

        const catalogSnapshot = new CatalogSnapshot({
          catalog: deps.catalog,
          auth,
          store,
          logger,
        });
        const firstDeploys = new DoraFirstDeploys({
          discovery,
          auth,
          store,
          logger,
        });
        const runs = new TemplateRunCollector({
          history: new ScaffolderTaskHistory({ discovery, auth }),
          store,
          logger,
          maxTasksPerRun: config.collector.maxTasksPerRun,
        });
        let demoWaits = 0;
        // One task, so the steps run in order and, on PostgreSQL, on one replica at a time.
        await scheduler.scheduleTask({
          id: 'adoption-collect',
          frequency: { minutes: config.collector.frequencyMinutes },
          timeout: { minutes: 10 },
          // Give the catalog time to process its locations first.
          initialDelay: { seconds: 30 },
          fn: async () => {
            const step = async (name: string, fn: () => Promise<unknown>) => {
              try {
                await fn();
              } catch (error) {
                logger.warn(`Adoption: ${name} failed: ${error}`);
              }
            };
            await step('catalog snapshot', () => catalogSnapshot.refresh());
            await step('DORA first deployments', () => firstDeploys.refresh());
            await step('template runs', async () => {
              const n = await runs.collect();
              if (n > 0) logger.info(`Adoption: collected ${n} template runs`);
            });
            if (config.demoData) {
              await step('demo data', () =>
                seedDemoAdoption({
                  store,
                  logger,
                  force: ++demoWaits >= DEMO_WAIT_RUNS,
                }),
              );
            }
            for (const windowDays of STANDARD_WINDOWS) {
              await step(`summary of ${windowDays} days`, () =>
                summary.refresh(windowDays),
              );
            }
          },
        });
      },
    });
  },
});
