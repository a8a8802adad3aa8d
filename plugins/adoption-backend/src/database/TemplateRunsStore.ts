import {
  TemplateRunFacts,
  TemplateRunRecord,
  TemplateRunStatus,
  Window,
} from '../domain';

/** A run as collected from the scaffolder's task history, with what only the history knows. */
export type CollectedRun = TemplateRunRecord & {
  templateVersion: string | null;
  finishedAt: number | null;
};

/** What the run rollups count of a stored run. */
export interface RunRollupFields {
  templateRef: string;
  status: string;
  createdAt: number;
  durationMs: number | null;
}

/** The template runs collected from the scaffolder's task history (`adoption_template_runs`). */
export interface TemplateRunsStore {
  /**
   * Upserts runs by task id (ids unique); returns the rollup fields of the rows they replaced
   * and of the rows written, so the caller can move the rollups by the difference.
   */
  upsert(
    runs: CollectedRun[],
  ): Promise<{ replaced: RunRollupFields[]; written: RunRollupFields[] }>;

  /** Which of the given tasks are stored. */
  storedTaskIds(taskIds: string[]): Promise<Set<string>>;

  listRuns(window: Window): Promise<TemplateRunRecord[]>;

  /**
   * Template run facts aggregated from the rows themselves: counts per template, week and
   * status; failures per template, step and message; successful runs' durations per bucket.
   * Only the `parts` asked for are read.
   */
  templateRunFacts(
    window: Window,
    parts?: Array<keyof TemplateRunFacts>,
  ): Promise<TemplateRunFacts>;

  /** Stored status of each of the given tasks. */
  runStatuses(taskIds: string[]): Promise<Map<string, TemplateRunStatus>>;

  /** Tasks stored while still running, newest first, to be looked up again. */
  unfinishedRunIds(limit: number): Promise<string[]>;

  count(): Promise<number>;
}
