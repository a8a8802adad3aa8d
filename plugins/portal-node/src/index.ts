/**
 * Helpers every backend plugin of the portal shares: request input checked with InputErrors that
 * name each failing field, zod issue messages, entity-ref normalisation, one-off database markers,
 * batching and bigint reads. The hostile-input fuzz helpers are in the `testUtils` entry point.
 *
 * @packageDocumentation
 */
export { parseJsonBody, parseWith } from './request/validation';
export {
  firstZodIssueMessage,
  formatZodIssue,
  type ZodIssueLike,
} from './request/zodIssues';
export {
  normalizeEntityRef,
  normalizedEntityRefOf,
  type EntityRefDefaults,
} from './catalog/entityRefs';
export { runOnce } from './database/runOnce';
export { chunks, dbNumber, dbNumberOrNull } from './database/rows';
