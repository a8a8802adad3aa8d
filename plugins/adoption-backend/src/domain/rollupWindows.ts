import { PortalRequestFacts } from './selfService';
import { DAY_MS, FIRST_MONDAY_MS, WEEK_MS, Window } from './statistics';
import { TemplateRunFacts } from './templateRuns';

/**
 * A window as the whole days (or weeks) inside it, served from the rollups, and the partial
 * periods at its edges, aggregated from the raw rows, so rollup-based facts are exact for any
 * window.
 */
export function splitWindow(
  window: Window,
  unit: 'day' | 'week' = 'day',
): {
  days: Window | undefined;
  edges: Window[];
} {
  const size = unit === 'day' ? DAY_MS : WEEK_MS;
  const origin = unit === 'day' ? 0 : FIRST_MONDAY_MS;
  const first = origin + Math.ceil((window.from - origin) / size) * size;
  const last = origin + Math.floor((window.to - origin) / size) * size;
  if (first >= last) return { days: undefined, edges: [window] };
  const edges: Window[] = [];
  if (window.from < first) edges.push({ from: window.from, to: first });
  if (last < window.to) edges.push({ from: last, to: window.to });
  return { days: { from: first, to: last }, edges };
}

/** Portal request facts of adjacent periods added up per team and week, and per minute. */
export function sumPortalRequestFacts(
  parts: PortalRequestFacts[],
): PortalRequestFacts {
  const counts = new Map<string, PortalRequestFacts['counts'][number]>();
  const minutes = new Map<number, number>();
  for (const part of parts) {
    for (const c of part.counts) {
      const key = `${c.team}\u0000${c.weekStart}`;
      const existing = counts.get(key);
      if (existing) existing.count += c.count;
      else counts.set(key, { ...c });
    }
    for (const m of part.readyMinutes) {
      minutes.set(m.minutes, (minutes.get(m.minutes) ?? 0) + m.count);
    }
  }
  return {
    counts: [...counts.values()],
    readyMinutes: [...minutes.entries()].map(([m, count]) => ({
      minutes: m,
      count,
    })),
  };
}

/**
 * Run counts and duration histograms of adjacent periods added up per key; the failures are
 * those of `failures`, which are always read for the whole window.
 */
export function sumTemplateRunFacts(
  failures: TemplateRunFacts['failures'],
  parts: TemplateRunFacts[],
): TemplateRunFacts {
  const counts = new Map<string, TemplateRunFacts['counts'][number]>();
  const durations = new Map<string, TemplateRunFacts['durations'][number]>();
  for (const part of parts) {
    for (const c of part.counts) {
      const key = JSON.stringify([c.templateRef, c.weekStart, c.status]);
      const existing = counts.get(key);
      if (existing) existing.count += c.count;
      else counts.set(key, { ...c });
    }
    for (const d of part.durations) {
      const key = JSON.stringify([d.templateRef, d.seconds]);
      const existing = durations.get(key);
      if (existing) existing.count += d.count;
      else durations.set(key, { ...d });
    }
  }
  return {
    counts: [...counts.values()],
    failures,
    durations: [...durations.values()],
  };
}
