import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  ServiceFactory,
  ServiceRef,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { readCrossplaneConfig } from './config';
import { KubernetesClusterClient } from './services/KubernetesClusterClient';
import { PostgresProvisioningService } from './services/PostgresProvisioningService';

/**
 * The PostgreSQL provisioning service, for the crossplane backend plugin and the scaffolder module.
 * @public
 */
export const postgresProvisioningServiceRef: ServiceRef<
  PostgresProvisioningService,
  'plugin',
  'singleton'
> = createServiceRef<PostgresProvisioningService>({
  id: 'crossplane.postgres-provisioning',
  defaultFactory: async () => createPostgresProvisioningServiceFactory(),
});

/** Options of {@link createPostgresProvisioningServiceFactory}. @public */
export interface PostgresProvisioningServiceFactoryOptions {
  /** Attempts and backoff when the API server is unreachable. */
  maxAttempts?: number;
  backoffMs?: number;
  pollIntervalMs?: number;
}

/**
 * A factory for {@link postgresProvisioningServiceRef} built from `crossplane.*` config.
 * @public
 */
export function createPostgresProvisioningServiceFactory(
  options: PostgresProvisioningServiceFactoryOptions = {},
): ServiceFactory<PostgresProvisioningService, 'plugin', 'singleton'> {
  return createServiceFactory({
    service: postgresProvisioningServiceRef,
    deps: {
      config: coreServices.rootConfig,
      permissions: coreServices.permissions,
      userInfo: coreServices.userInfo,
      logger: coreServices.logger,
      auth: coreServices.auth,
      catalog: catalogServiceRef,
      events: eventsServiceRef,
    },
    factory({ config, permissions, userInfo, logger, auth, catalog, events }) {
      const crossplane = readCrossplaneConfig(config);
      return PostgresProvisioningService.create({
        client: KubernetesClusterClient.create({
          cluster: crossplane.cluster,
          maxAttempts: options.maxAttempts,
          backoffMs: options.backoffMs,
        }),
        teamNamespaces: crossplane.teamNamespaces,
        compositionByEnvironment: crossplane.compositionByEnvironment,
        serviceCallers: crossplane.serviceCallers,
        permissions,
        userInfo,
        logger,
        pollIntervalMs: options.pollIntervalMs,
        // With the portal's own credentials: a component the user may not see still exists.
        componentExists: async componentRef =>
          Boolean(
            await catalog.getEntityByRef(componentRef, {
              credentials: await auth.getOwnServiceCredentials(),
            }),
          ),
        events,
      });
    },
  });
}
