/**
 * Shared types, request schema and permissions for self-service PostgreSQL through Crossplane.
 *
 * @packageDocumentation
 */
export {
  crossplanePostgresCreatePermission,
  crossplanePostgresCreateForAnyTeamPermission,
  crossplanePermissions,
} from './permissions';
export { databaseEntityName, databaseEntityRef } from './databaseEntity';
export {
  POSTGRES_COMPONENT_REF_PATTERN,
  POSTGRES_COMPONENT_REF_RULE,
  POSTGRES_DEFAULT_PROVIDER,
  POSTGRES_DELETION_POLICIES,
  POSTGRES_ENVIRONMENTS,
  POSTGRES_REGION_PATTERN,
  POSTGRES_NAME_PATTERN,
  POSTGRES_PROVIDERS,
  POSTGRES_PROVIDER_LABEL,
  POSTGRES_PROVIDER_TITLES,
  POSTGRES_SIZE_DETAILS,
  describePostgresSize,
  POSTGRES_SIZES,
  RESERVED_POSTGRES_NAMES,
  postgresRequestSchema,
} from './postgresRequest';
export type {
  PostgresCondition,
  PostgresCreateResult,
  PostgresEvent,
  PostgresInstanceSummary,
  PostgresProvider,
  PostgresRequest,
} from './postgresRequest';
