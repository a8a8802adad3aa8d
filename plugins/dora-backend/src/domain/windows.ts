import { InputError } from '@backstage/errors';
import { DORA_EARLIEST_TIMESTAMP } from '@internal/plugin-dora-common';
import { DAY_MS, TimeWindow, WEEK_MS } from './model';

/** Longest custom range accepted, to keep a single query bounded. */
export const MAX_RANGE_DAYS = 400;
/** A custom range may end up to this far ahead (the end of today); it then ends now. */
const MAX_FUTURE_MS = DAY_MS;
const EARLIEST = Date.parse(DORA_EARLIEST_TIMESTAMP);

/**
 * The window a metrics request asks for: the last 7, 30 or 90 days up to `now` (default 30), or a
 * custom `from`/`to` range (the query schema has checked both are given and `from` < `to`).
 */
export function resolveWindow(
  request: { window?: '7' | '30' | '90'; from?: string; to?: string },
  now: number,
): TimeWindow {
  if (request.from && request.to) {
    const from = Date.parse(request.from);
    const to = Date.parse(request.to);
    if (!(from < to)) {
      throw new InputError(
        `to: must be after from (from ${request.from}, to ${request.to})`,
      );
    }
    if (from < EARLIEST) {
      throw new InputError(
        `from: must not be before ${DORA_EARLIEST_TIMESTAMP}, got ${request.from}`,
      );
    }
    if (from >= now) {
      throw new InputError(
        `from: must be in the past, got ${request.from} (now is ${new Date(
          now,
        ).toISOString()})`,
      );
    }
    if (to > now + MAX_FUTURE_MS) {
      throw new InputError(
        `to: must not be more than a day in the future, got ${request.to}`,
      );
    }
    if (to - from > MAX_RANGE_DAYS * DAY_MS) {
      throw new InputError(
        `to: the range must not exceed ${MAX_RANGE_DAYS} days, got ${Math.ceil(
          (to - from) / DAY_MS,
        )} days`,
      );
    }
    return { from, to: Math.min(to, now) };
  }
  const days = Number(request.window ?? '30');
  return { from: now - days * DAY_MS, to: now };
}

/** Start (Monday 00:00 UTC) of the week containing `time`. */
export function weekStart(time: number): number {
  const day = Math.floor(time / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
  const weekday = (day + 3) % 7;
  return (day - weekday) * DAY_MS;
}

/** The weeks overlapping the window, each clipped to it. */
export function weeksOf(window: TimeWindow): TimeWindow[] {
  const weeks: TimeWindow[] = [];
  for (
    let start = weekStart(window.from);
    start < window.to;
    start += WEEK_MS
  ) {
    weeks.push({
      from: Math.max(start, window.from),
      to: Math.min(start + WEEK_MS, window.to),
    });
  }
  return weeks;
}
