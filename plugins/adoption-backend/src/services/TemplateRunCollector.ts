import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FINAL_RUN_STATUSES,
  TemplateRunRecord,
  TemplateRunStatus,
} from '../domain';
import { AdoptionData } from './AdoptionData';
import { ANNOTATIONS } from './provenance';
import {
  ScaffolderTask,
  ScaffolderTaskEvent,
  TaskHistory,
} from './ScaffolderTaskHistory';

const PAGE = 100;
const STATUSES = new Set<TemplateRunStatus>([
  'open',
  'processing',
  'completed',
  'failed',
  'cancelled',
]);

type StoredRun = TemplateRunRecord & {
  templateVersion: string | null;
  finishedAt: number | null;
};

/**
 * A run from a task and, for a finished task, its events: the completion event gives the end
 * time and error; the first log event of a failed step names the step.
 */
export function runFromTask(
  task: ScaffolderTask,
  events: ScaffolderTaskEvent[],
): StoredRun | undefined {
  const status = task.status as TemplateRunStatus;
  const createdAt = Date.parse(task.createdAt);
  if (!STATUSES.has(status) || !Number.isFinite(createdAt)) return undefined;
  const info = task.spec?.templateInfo;
  const completion = [...events]
    .reverse()
    .find(e => e.type === 'completion' || e.type === 'cancelled');
  // Without a completion event, a finished task's last heartbeat is the best end time known.
  let finishedAt = NaN;
  if (completion) {
    finishedAt = Date.parse(completion.createdAt);
  } else if (FINAL_RUN_STATUSES.has(status) && task.lastHeartbeatAt) {
    finishedAt = Date.parse(task.lastHeartbeatAt);
  }
  const failedStep = events.find(
    e => e.type === 'log' && e.body?.status === 'failed' && e.body.stepId,
  );
  return {
    taskId: task.id,
    templateRef: (
      info?.entityRef ?? 'template:default/unknown'
    ).toLocaleLowerCase('en-US'),
    templateVersion:
      info?.entity?.metadata?.annotations?.[ANNOTATIONS.templateVersion]?.slice(
        0,
        64,
      ) ?? null,
    status,
    createdAt,
    finishedAt: Number.isFinite(finishedAt) ? finishedAt : null,
    durationMs: Number.isFinite(finishedAt)
      ? Math.max(0, finishedAt - createdAt)
      : null,
    failedStep: status === 'failed' ? failedStep?.body?.stepId ?? null : null,
    errorMessage:
      status === 'failed'
        ? (
            completion?.body?.error?.message ??
            failedStep?.body?.message ??
            null
          )?.slice(0, 4000) ?? null
        : null,
  };
}

/**
 * Collects template runs from the scaffolder's task history into the store. Runs on the
 * scheduler (one replica at a time on PostgreSQL) and is idempotent: rows are keyed by task id and
 * a finished run is never read again. Pages newest first until a page holds only runs already
 * stored as finished; runs stored unfinished are looked up again individually.
 */
export class TemplateRunCollector {
  constructor(
    private readonly options: {
      history: TaskHistory;
      store: AdoptionData;
      logger: LoggerService;
      maxTasksPerRun: number;
    },
  ) {}

  async collect(): Promise<number> {
    const { history, store, maxTasksPerRun } = this.options;
    let stored = 0;
    const seen = new Set<string>();
    for (let offset = 0; offset < maxTasksPerRun; offset += PAGE) {
      const tasks = await history.list(offset, PAGE);
      if (tasks.length === 0) break;
      const known = await store.runs.runStatuses(tasks.map(t => t.id));
      const fresh = tasks.filter(t => {
        const status = known.get(t.id);
        return (
          !status || !FINAL_RUN_STATUSES.has(status) || status !== t.status
        );
      });
      stored += await this.store(fresh);
      tasks.forEach(t => seen.add(t.id));
      if (fresh.length === 0 || tasks.length < PAGE) break;
    }
    // Long-running tasks stored unfinished may have dropped off the pages read above.
    const unfinished = (await store.runs.unfinishedRunIds(100)).filter(
      id => !seen.has(id),
    );
    for (const id of unfinished) {
      const task = await history.get(id);
      if (task) stored += await this.store([task]);
    }
    return stored;
  }

  private async store(tasks: ScaffolderTask[]): Promise<number> {
    const runs: StoredRun[] = [];
    for (const task of tasks) {
      const final = FINAL_RUN_STATUSES.has(task.status as TemplateRunStatus);
      const run = runFromTask(
        task,
        final ? await this.options.history.events(task.id) : [],
      );
      if (run) runs.push(run);
    }
    await this.options.store.upsertRuns(runs);
    return runs.length;
  }
}
