/**
 * Backend plugin for self-service PostgreSQL through Crossplane: `/api/crossplane/postgres`.
 *
 * @packageDocumentation
 */
export { crossplanePlugin as default } from './plugin';
