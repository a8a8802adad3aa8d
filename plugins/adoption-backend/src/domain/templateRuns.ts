import {
  AdoptionTemplateRunFailure,
  AdoptionTemplateRunsMeasure,
} from '@internal/plugin-adoption-common';
import { AdoptionEventRecord, TemplateRunRecord } from './model';
import {
  compareStrings,
  groupBy,
  inWindow,
  percentile,
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
 * Runs from the scaffolder's task history, completed with template-run adoption events for tasks
 * the history no longer (or not yet) holds. The history wins for a task both report.
 */
export function mergeRuns(
  history: TemplateRunRecord[],
  events: AdoptionEventRecord[],
): TemplateRunRecord[] {
  const known = new Set(history.map(r => r.taskId));
  const fromEvents: TemplateRunRecord[] = [];
  for (const e of events) {
    if (e.type !== 'template-run' || !e.templateRef) continue;
    const taskId = e.taskId ?? `event:${e.id}`;
    if (known.has(taskId)) continue;
    known.add(taskId);
    fromEvents.push({
      taskId,
      templateRef: e.templateRef,
      status: e.status ?? 'completed',
      createdAt: e.requestedAt ?? e.occurredAt,
      durationMs: e.durationMs,
      failedStep: null,
      errorMessage: null,
    });
  }
  return [...history, ...fromEvents];
}

function counts(runs: TemplateRunRecord[]) {
  const succeeded = runs.filter(r => r.status === 'completed').length;
  const failed = runs.filter(r => r.status === 'failed').length;
  return {
    count: runs.length,
    succeeded,
    failed,
    successRate: ratio(succeeded, succeeded + failed),
  };
}

/**
 * Template runs started in the window: count, success rate (finished runs only), duration
 * percentiles of successful runs, failures grouped by template, step and message, weekly trend.
 */
export function computeTemplateRuns(
  allRuns: TemplateRunRecord[],
  window: Window,
): AdoptionTemplateRunsMeasure {
  const runs = allRuns.filter(r => inWindow(r.createdAt, window));
  const durations = (items: TemplateRunRecord[]) =>
    items
      .filter(r => r.status === 'completed' && r.durationMs !== null)
      .map(r => r.durationMs!);

  const failures = [
    ...groupBy(
      runs.filter(r => r.status === 'failed'),
      r =>
        JSON.stringify([
          r.templateRef,
          r.failedStep ?? 'unknown step',
          normalizeErrorMessage(r.errorMessage),
        ]),
    ).entries(),
  ]
    .map(([key, items]): AdoptionTemplateRunFailure => {
      const [templateRef, step, message] = JSON.parse(key);
      return {
        templateRef,
        step,
        message,
        count: items.length,
        lastAt: new Date(
          Math.max(...items.map(r => r.createdAt)),
        ).toISOString(),
      };
    })
    .sort(
      (a, b) =>
        b.count - a.count ||
        compareStrings(a.templateRef, b.templateRef) ||
        compareStrings(a.step, b.step) ||
        compareStrings(a.message, b.message),
    );

  const templates = [...groupBy(runs, r => r.templateRef).entries()]
    .map(([templateRef, items]) => ({
      templateRef,
      ...counts(items),
      p50DurationMs: percentile(durations(items), 0.5),
    }))
    .sort(
      (a, b) =>
        b.count - a.count || compareStrings(a.templateRef, b.templateRef),
    );

  const byWeek = groupBy(runs, r => String(weekStart(r.createdAt)));
  const trend = weeksOf(window).map(w => ({
    weekStart: new Date(w).toISOString(),
    ...counts(byWeek.get(String(w)) ?? []),
  }));

  return {
    ...counts(runs),
    p50DurationMs: percentile(durations(runs), 0.5),
    p95DurationMs: percentile(durations(runs), 0.95),
    failures,
    templates,
    trend,
  };
}
