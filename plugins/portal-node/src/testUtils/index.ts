/**
 * Hostile-input helpers for the backend plugins' fuzz suites.
 *
 * @packageDocumentation
 */
export * from './hostileInput';
