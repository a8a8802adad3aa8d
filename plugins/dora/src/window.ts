import { DashboardWindowDays } from '@internal/plugin-leadership-common';

/**
 * The window a dashboard shows: one of the leadership dashboards' windows (shared with the
 * adoption page) or a custom range of whole UTC days.
 */
export type WindowChoice =
  | { kind: 'last'; days: DashboardWindowDays }
  | { kind: 'custom'; fromDate: string; toDate: string };

/** The windows the DORA backend names itself (`window=`); longer ones are asked for as a range. */
const BACKEND_WINDOWS: ReadonlySet<number> = new Set([7, 30, 90]);

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

/**
 * The metrics query of the last `days` days: the backend's own window where it has one, otherwise
 * the range ending now. `periodsBack: 1` is the same-length period before it, for comparisons.
 */
export function lastDaysQuery(
  days: number,
  now: number,
  periodsBack = 0,
): { windowDays: 7 | 30 | 90 } | { from: string; to: string } {
  if (periodsBack === 0 && BACKEND_WINDOWS.has(days)) {
    return { windowDays: days as 7 | 30 | 90 };
  }
  const to = now - periodsBack * days * DAY_MS;
  return {
    from: new Date(to - days * DAY_MS).toISOString(),
    to: new Date(to).toISOString(),
  };
}
