import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { doraPermissions } from '@internal/plugin-dora-common';
import { leadershipPermissions } from '@internal/plugin-leadership-common';
import { readDoraConfig } from './config';
import { DAY_MS } from './domain';
import { createRouter } from './router';
import { CatalogServiceMap } from './services/CatalogServiceMap';
import {
  DEMO_SEED_TASK,
  demoResolver,
  seedDemoData,
} from './services/DemoSeeder';
import { DoraStore } from './services/DoraStore';
import { BackfillService } from './services/BackfillService';
import { IngestService } from './services/IngestService';
import { DeploymentAncestry } from './services/DeploymentAncestry';
import { GithubCompareClient } from './ingest/githubCompare';
import { GitlabCompareClient } from './ingest/gitlabCompare';
import { MetricsService } from './services/MetricsService';

/** How far back the nightly reconciliation derives facts again. */
const RECONCILE_DAYS = 120;

/** A backfill that stored nothing for this long is taken as abandoned (chunks take seconds). */
const BACKFILL_STALE_MS = 10 * 60_000;

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
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, httpRouter, scheduler, lifecycle } = deps;
        const config = readDoraConfig(deps.config);
        const store = await DoraStore.create({
          database: deps.database,
          incidentFallbackHours: config.incidentFallbackHours,
          logger,
        });
        const serviceMap = CatalogServiceMap.create({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
        });
        const ancestry = DeploymentAncestry.create({
          store,
          logger,
          github:
            config.github?.api && GithubCompareClient.create(config.github.api),
          gitlab:
            config.gitlab?.api && GitlabCompareClient.create(config.gitlab.api),
        });
        const ingest = IngestService.create({
          store,
          serviceMap,
          logger,
          ancestry,
        });
        const backfill = BackfillService.create({
          store,
          ingest,
          normalize: config,
          logger,
        });
        const metrics = MetricsService.create({
          store,
          serviceMap,
          bandYear: config.bandYear,
          incidentFallbackHours: config.incidentFallbackHours,
          reportingTimeZone: config.reportingTimeZone,
        });

        // The organisation-wide views check leadership.dashboards.read too; registering it lets
        // the permission backend (and policy tooling) know this plugin uses it.
        deps.permissionsRegistry.addPermissions([
          ...doraPermissions,
          ...leadershipPermissions,
        ]);
        httpRouter.use(
          await createRouter({
            config,
            ingest,
            backfill,
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
          path: '/backfill',
          allow: 'unauthenticated',
        });
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });

        if (config.demoData) {
          // Thousands of events, seconds of database work: a task scheduled once the backend has
          // started, so neither readiness nor the other plugins' start waits for it. Until it has
          // run, the figures are those of an empty store. Global scope runs it on one replica at a
          // time; the marker row in the seed's transaction makes it once across replicas, and a
          // seed that failed (its marker rolled back with it) is tried again at the next run.
          lifecycle.addStartupHook(() =>
            scheduler.scheduleTask({
              id: DEMO_SEED_TASK,
              scope: 'global',
              frequency: { minutes: 10 },
              timeout: { minutes: 10 },
              initialDelay: { seconds: 5 },
              fn: async () => {
                await seedDemoData({
                  store,
                  resolve: demoResolver(serviceMap.resolve),
                  logger,
                });
              },
            }),
          );
        }

        await scheduler.scheduleTask({
          id: 'dora-remap-services',
          frequency: { minutes: 5 },
          timeout: { minutes: 5 },
          // Give the catalog time to process its locations before the first mapping.
          initialDelay: { seconds: 60 },
          fn: async () => {
            const changed = await ingest.remap();
            if (changed > 0) {
              logger.info(
                `DORA: remapped ${changed} events to catalog components`,
              );
            }
          },
        });

        // A backfill whose request broke off (client gone, replica stopped) left services marked
        // and not derived: whichever replica runs this derives them.
        await scheduler.scheduleTask({
          id: 'dora-finish-backfills',
          frequency: { minutes: 5 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const jobs = await backfill.finishAbandoned(BACKFILL_STALE_MS);
            if (jobs > 0) {
              logger.info(`DORA: derived ${jobs} abandoned backfills`);
            }
          },
        });

        // Effects of late events further than the ingest-time settle range (a commit first
        // reported weeks after it shipped) are caught by deriving the recent facts again nightly.
        await scheduler.scheduleTask({
          id: 'dora-reconcile-facts',
          frequency: { hours: 24 },
          timeout: { hours: 2 },
          initialDelay: { hours: 1 },
          fn: async () => {
            const services = await store.reconcile(
              Date.now() - RECONCILE_DAYS * DAY_MS,
            );
            logger.info(
              `DORA: derived the last ${RECONCILE_DAYS} days of facts again for ${services} services`,
            );
          },
        });
      },
    });
  },
});
