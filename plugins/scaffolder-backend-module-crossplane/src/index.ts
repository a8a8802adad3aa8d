/**
 * Scaffolder module adding `crossplane:postgres:create`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCrossplane as default } from './module';
export { createCrossplanePostgresAction } from './actions/createPostgres';
