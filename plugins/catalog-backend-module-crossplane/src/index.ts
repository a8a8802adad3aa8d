/**
 * Catalog module: PostgreSQL databases requested through Crossplane as Resource entities.
 *
 * @packageDocumentation
 */
export { catalogModuleCrossplane as default } from './module';
export { CrossplaneDatabaseEntityProvider } from './provider/CrossplaneDatabaseEntityProvider';
export type { CrossplaneDatabaseEntityProviderOptions } from './provider/CrossplaneDatabaseEntityProvider';
export {
  DATABASE_ANNOTATIONS,
  databaseResourceEntity,
} from './provider/databaseResourceEntity';
export type { DatabaseEntityContext } from './provider/databaseResourceEntity';
