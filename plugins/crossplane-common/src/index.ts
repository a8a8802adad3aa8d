/**
 * Shared types, request schema and permissions for self-service PostgreSQL through Crossplane.
 *
 * @packageDocumentation
 */
export {
  crossplanePostgresCreatePermission,
  crossplanePermissions,
} from './permissions';
export {
  POSTGRES_ENVIRONMENTS,
  POSTGRES_NAME_PATTERN,
  POSTGRES_SIZES,
  RESERVED_POSTGRES_NAMES,
  postgresRequestSchema,
} from './postgresRequest';
export type {
  PostgresCondition,
  PostgresCreateResult,
  PostgresEvent,
  PostgresInstanceSummary,
  PostgresRequest,
} from './postgresRequest';
