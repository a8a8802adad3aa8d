import { DAY_MS } from './model';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `time`, in milliseconds (positive east of Greenwich). */
function offsetAt(time: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(time))
      .map(p => [p.type, p.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return local - Math.floor(time / 1000) * 1000;
}

/** The instant the local day containing `time` started in `zone` (DST-aware). */
export function startOfDay(time: number, zone: string): number {
  const offset = offsetAt(time, zone);
  const localMidnight = Math.floor((time + offset) / DAY_MS) * DAY_MS;
  // The offset at midnight may differ from the one at `time` (a DST change that day).
  let start = localMidnight - offset;
  start = localMidnight - offsetAt(start, zone);
  return start > time ? startOfDay(start - 1, zone) : start;
}

/** The first local midnight at or after `time` in `zone`. */
export function nextStartOfDay(time: number, zone: string): number {
  const start = startOfDay(time, zone);
  return start === time
    ? time
    : startOfDay(start + DAY_MS + 3 * 3_600_000, zone);
}
