/**
 * Node library of the crossplane plugin: the Kubernetes connection and the service that requests
 * PostgreSQL databases as Crossplane XRs, shared by the backend plugin and the scaffolder module.
 *
 * @packageDocumentation
 */
export { readCrossplaneConfig } from './config';
export type { CrossplaneConfig } from './config';
export { KubernetesClusterClient } from './services/KubernetesClusterClient';
export type {
  ApplyOptions,
  KubernetesClientModule,
  KubernetesClusterClientOptions,
} from './services/KubernetesClusterClient';
export {
  POSTGRES_INSTANCE_CHANGED_TOPIC,
  PostgresProvisioningService,
} from './services/PostgresProvisioningService';
export type {
  PostgresCreateOptions,
  PostgresProvisioningServiceOptions,
  PostgresWaitOptions,
} from './services/PostgresProvisioningService';
export {
  COMPONENT_LABEL,
  COMPONENT_REF_ANNOTATION,
  OWNER_LABEL,
  PORTAL_FIELD_MANAGER,
  POSTGRES_INSTANCE_API_VERSION,
  POSTGRES_INSTANCE_KIND,
  buildPostgresInstance,
  connectionSecretName,
  explainNotReady,
  isReadyForCurrentGeneration,
  portalFieldManager,
  selectedProvider,
  summarizePostgresInstance,
} from './services/postgresInstanceManifest';
export type {
  PostgresInstanceObject,
  PostgresInstanceSpecInput,
} from './services/postgresInstanceManifest';
export {
  createPostgresProvisioningServiceFactory,
  postgresProvisioningServiceRef,
} from './postgresProvisioningServiceRef';
export type { PostgresProvisioningServiceFactoryOptions } from './postgresProvisioningServiceRef';
