export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Monday 1970-01-05 00:00 UTC, the origin of the weekly buckets. */
export const FIRST_MONDAY_MS = 4 * DAY_MS;

/**
 * Nearest-rank percentile (p in 0..1): the smallest value with at least p of the values at or
 * below it. Null for no values. Easy to compute by hand, and always a value that occurred.
 */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

/** Nearest-rank percentile of values with multiplicities. */
export function weightedPercentile(
  values: Array<{ value: number; count: number }>,
  p: number,
): number | null {
  const total = values.reduce((sum, v) => sum + v.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  const sorted = [...values].sort((a, b) => a.value - b.value);
  let seen = 0;
  for (const v of sorted) {
    seen += v.count;
    if (seen >= rank) return v.value;
  }
  return sorted[sorted.length - 1].value;
}

/** numerator / denominator, or null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Start (Monday 00:00 UTC, epoch ms) of the week holding `ms`. */
export function weekStart(ms: number): number {
  return ms - ((((ms - FIRST_MONDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS);
}

/** Start (first day 00:00 UTC) of the month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Every week start from the week of `from` to the week of `to - 1`. */
export function weeksOf(window: Window): number[] {
  const weeks: number[] = [];
  for (let w = weekStart(window.from); w < window.to; w += WEEK_MS) {
    weeks.push(w);
  }
  return weeks;
}

/** A half-open time range [from, to) in epoch milliseconds. */
export interface Window {
  from: number;
  to: number;
}

export const inWindow = (ms: number | null | undefined, window: Window) =>
  ms !== null && ms !== undefined && ms >= window.from && ms < window.to;

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Groups values by key, keeping first-seen order of keys. */
export function groupBy<T>(items: T[], key: (item: T) => string) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) {
      list.push(item);
    } else {
      groups.set(k, [item]);
    }
  }
  return groups;
}

/** Code-unit order, the same on every locale and database. */
export function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
