/**
 * Splits `items` into batches of at most `size`, in order: INSERTs and `whereIn` lists stay under
 * the databases' bound-parameter limits (SQLite's is the lowest).
 *
 * @public
 */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  if (!(size >= 1)) {
    throw new RangeError(`chunks needs a size of at least 1, got ${size}`);
  }
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

/**
 * A `bigint` column, or an aggregate such as `count(*)`, as a number: PostgreSQL's driver returns
 * them as strings, SQLite's as numbers.
 *
 * @public
 */
export function dbNumber(value: unknown): number {
  return Number(value);
}

/**
 * {@link dbNumber} of a nullable column: `null` (and `undefined`) stay `null`.
 *
 * @public
 */
export function dbNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
