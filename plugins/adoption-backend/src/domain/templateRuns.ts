import {
  AdoptionTemplateRunFailure,
  AdoptionTemplateRunsMeasure,
} from '@internal/plugin-adoption-common';
import { AdoptionEventRecord, TemplateRunRecord } from './model';
import {
  compareStrings,
  groupBy,
  weightedPercentile,
  inWindow,
  ratio,
  weeksOf,
  weekStart,
  Window,
} from './statistics';

/** Longest error message kept for grouping; the rest is usually a stack or a payload. */
const MESSAGE_LENGTH = 200;

/**
 * The first line of an error message, with ids and numbers masked, so that the same failure in
 * different runs groups together.
 */
export function normalizeErrorMessage(message: string | null): string {
  const first =
    (message ?? 'unknown error').trim().split('\n')[0] || 'unknown error';
  return first
    .replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
      '<id>',
    )
    .replace(/\b\d+\b/g, '<n>')
    .slice(0, MESSAGE_LENGTH);
}

/**
 * Template-run events for tasks the scaffolder's history does not hold (purged, or from another
 * installation), as runs. `knownTaskIds` are the history's tasks among the events' task ids.
 */
export function eventOnlyRuns(
  events: AdoptionEventRecord[],
  knownTaskIds: Set<string>,
): TemplateRunRecord[] {
  const seen = new Set(knownTaskIds);
  const runs: TemplateRunRecord[] = [];
  for (const e of events) {
    if (e.type !== 'template-run' || !e.templateRef) continue;
    const taskId = e.taskId ?? `event:${e.id}`;
    if (seen.has(taskId)) continue;
    seen.add(taskId);
    runs.push({
      taskId,
      templateRef: e.templateRef,
      status: e.status ?? 'completed',
      createdAt: e.requestedAt ?? e.occurredAt,
      durationMs: e.durationMs,
      failedStep: null,
      errorMessage: null,
    });
  }
  return runs;
}

/**
 * What the measure needs of the runs started in a window, aggregated: the store computes these
 * with GROUP BY over every run, so a request never loads 100,000 rows.
 */
export interface TemplateRunFacts {
  counts: Array<{
    templateRef: string;
    weekStart: number;
    status: string;
    count: number;
  }>;
  failures: Array<{
    templateRef: string;
    step: string | null;
    message: string | null;
    count: number;
    lastAt: number;
  }>;
  /**
   * Durations of successful runs in whole seconds, bucketed by `durationBucketSeconds`, with how
   * many runs fall in each bucket.
   */
  durations: Array<{ templateRef: string; seconds: number; count: number }>;
}

/** Durations are exact below this many seconds; above, each doubling has this many buckets. */
export const DURATION_EXACT_BELOW_SECONDS = 64;

/**
 * The histogram bucket (its lower bound, in whole seconds) a duration is counted in: exact below
 * 64 s, then 32 buckets per doubling, so a percentile read from the histogram is at most 1/32
 * (3.1%) below the exact one. Keeps the store's duration rollups to a few rows per template.
 */
export function durationBucketSeconds(seconds: number): number {
  let step = 1;
  while (seconds >= DURATION_EXACT_BELOW_SECONDS * step) step *= 2;
  return Math.floor(seconds / step) * step;
}

/** The facts of individual runs (event-only runs, tests), aggregated the way the store does. */
export function factsOfRuns(
  runs: TemplateRunRecord[],
  window: Window,
): TemplateRunFacts {
  const counts = new Map<string, TemplateRunFacts['counts'][number]>();
  const failures = new Map<string, TemplateRunFacts['failures'][number]>();
  const durations = new Map<string, TemplateRunFacts['durations'][number]>();
  for (const r of runs) {
    if (!inWindow(r.createdAt, window)) continue;
    const week = weekStart(r.createdAt);
    const ck = JSON.stringify([r.templateRef, week, r.status]);
    const c = counts.get(ck);
    if (c) c.count++;
    else
      counts.set(ck, {
        templateRef: r.templateRef,
        weekStart: week,
        status: r.status,
        count: 1,
      });
    if (r.status === 'failed') {
      const fk = JSON.stringify([r.templateRef, r.failedStep, r.errorMessage]);
      const f = failures.get(fk);
      if (f) {
        f.count++;
        f.lastAt = Math.max(f.lastAt, r.createdAt);
      } else {
        failures.set(fk, {
          templateRef: r.templateRef,
          step: r.failedStep,
          message: r.errorMessage,
          count: 1,
          lastAt: r.createdAt,
        });
      }
    }
    if (r.status === 'completed' && r.durationMs !== null) {
      const seconds = durationBucketSeconds(Math.floor(r.durationMs / 1000));
      const dk = JSON.stringify([r.templateRef, seconds]);
      const d = durations.get(dk);
      if (d) d.count++;
      else durations.set(dk, { templateRef: r.templateRef, seconds, count: 1 });
    }
  }
  return {
    counts: [...counts.values()],
    failures: [...failures.values()],
    durations: [...durations.values()],
  };
}

/** Both sets of facts together (history and event-only runs never share a task). */
export function mergeFacts(
  a: TemplateRunFacts,
  b: TemplateRunFacts,
): TemplateRunFacts {
  return {
    counts: [...a.counts, ...b.counts],
    failures: [...a.failures, ...b.failures],
    durations: [...a.durations, ...b.durations],
  };
}

interface Tally {
  count: number;
  succeeded: number;
  failed: number;
}

const tally = (): Tally => ({ count: 0, succeeded: 0, failed: 0 });

function add(t: Tally, status: string, count: number) {
  t.count += count;
  if (status === 'completed') t.succeeded += count;
  if (status === 'failed') t.failed += count;
}

const withRate = (t: Tally) => ({
  ...t,
  successRate: ratio(t.succeeded, t.succeeded + t.failed),
});

/**
 * Template runs started in the window: count, success rate (finished runs only), duration
 * percentiles of successful runs (to the second), failures grouped by template, step and
 * normalised message, and a weekly trend.
 */
export function computeTemplateRuns(
  facts: TemplateRunFacts,
  window: Window,
): AdoptionTemplateRunsMeasure {
  const overall = tally();
  const byTemplate = new Map<string, Tally>();
  const byWeek = new Map<number, Tally>();
  for (const c of facts.counts) {
    add(overall, c.status, c.count);
    if (!byTemplate.has(c.templateRef)) byTemplate.set(c.templateRef, tally());
    add(byTemplate.get(c.templateRef)!, c.status, c.count);
    if (!byWeek.has(c.weekStart)) byWeek.set(c.weekStart, tally());
    add(byWeek.get(c.weekStart)!, c.status, c.count);
  }

  const failures = new Map<
    string,
    AdoptionTemplateRunFailure & { last: number }
  >();
  for (const f of facts.failures) {
    const step = f.step ?? 'unknown step';
    const message = normalizeErrorMessage(f.message);
    const key = JSON.stringify([f.templateRef, step, message]);
    const existing = failures.get(key);
    if (existing) {
      existing.count += f.count;
      existing.last = Math.max(existing.last, f.lastAt);
    } else {
      failures.set(key, {
        templateRef: f.templateRef,
        step,
        message,
        count: f.count,
        lastAt: '',
        last: f.lastAt,
      });
    }
  }

  const seconds = (items: TemplateRunFacts['durations']) =>
    items.map(d => ({ value: d.seconds * 1000, count: d.count }));
  const durationsByTemplate = groupBy(facts.durations, d => d.templateRef);

  return {
    ...withRate(overall),
    p50DurationMs: weightedPercentile(seconds(facts.durations), 0.5),
    p95DurationMs: weightedPercentile(seconds(facts.durations), 0.95),
    failures: [...failures.values()]
      .map(({ last, ...f }) => ({ ...f, lastAt: new Date(last).toISOString() }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          compareStrings(a.templateRef, b.templateRef) ||
          compareStrings(a.step, b.step) ||
          compareStrings(a.message, b.message),
      ),
    templates: [...byTemplate.entries()]
      .map(([templateRef, t]) => ({
        templateRef,
        ...withRate(t),
        p50DurationMs: weightedPercentile(
          seconds(durationsByTemplate.get(templateRef) ?? []),
          0.5,
        ),
      }))
      .sort(
        (a, b) =>
          b.count - a.count || compareStrings(a.templateRef, b.templateRef),
      ),
    trend: weeksOf(window).map(w => ({
      weekStart: new Date(w).toISOString(),
      ...withRate(byWeek.get(w) ?? tally()),
    })),
  };
}
