/**
 * Databases tab for components (new frontend system).
 *
 * @packageDocumentation
 */
export { default } from './plugin';
export { crossplaneApiRef } from './api/CrossplaneApi';
export type { CrossplaneApi } from './api/CrossplaneApi';
