/**
 * Deprecated: moved to `@internal/plugin-portal-node/testUtils`, re-exported here only until the
 * DORA backend imports it from there.
 *
 * @packageDocumentation
 */
export * from '@internal/plugin-portal-node/testUtils';
