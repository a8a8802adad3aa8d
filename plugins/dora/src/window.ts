/** The window a dashboard shows: one of the fixed ones or a custom range of whole UTC days. */
export type WindowChoice =
  | { kind: 'last'; days: 7 | 30 | 90 }
  | { kind: 'custom'; fromDate: string; toDate: string };

/** Longest custom range, as the backend accepts it. */
export const MAX_RANGE_DAYS = 400;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date (UTC) as yyyy-mm-dd. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The from/to query of a custom range (from the start of the first day to the end of the last,
 * UTC), or the problem with it in words.
 */
export function customRange(
  fromDate: string,
  toDate: string,
  now: number,
): { from: string; to: string } | { error: string } {
  if (!DATE.test(fromDate) || !DATE.test(toDate)) {
    return { error: 'Pick both a start and an end date.' };
  }
  const from = Date.parse(`${fromDate}T00:00:00Z`);
  const to = Date.parse(`${toDate}T00:00:00Z`) + DAY_MS;
  if (Number.isNaN(from) || Number.isNaN(to)) {
    return { error: 'Pick both a start and an end date.' };
  }
  if (from >= to) {
    return { error: 'The start date must be on or before the end date.' };
  }
  if (toDate > utcDate(now)) {
    return { error: 'The end date cannot be in the future.' };
  }
  if ((to - from) / DAY_MS > MAX_RANGE_DAYS) {
    return { error: `A range covers at most ${MAX_RANGE_DAYS} days.` };
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
