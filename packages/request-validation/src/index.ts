/**
 * Deprecated: moved to `@internal/plugin-portal-node`, re-exported here only until the DORA
 * backend imports it from there.
 *
 * @packageDocumentation
 */
export { parseJsonBody, parseWith } from '@internal/plugin-portal-node';
