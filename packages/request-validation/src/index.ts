/**
 * Request input for the portal's backend plugins: JSON bodies and zod schemas, checked with
 * InputErrors that name each failing field and what is allowed.
 *
 * @packageDocumentation
 */
export { parseJsonBody, parseWith } from './validation';
