/**
 * DORA metrics backend: ingests deployments, commits, incidents and rollbacks and serves the five
 * DORA metrics with their definitions, numerators, denominators and coverage.
 *
 * @packageDocumentation
 */
export { doraPlugin as default } from './plugin';
