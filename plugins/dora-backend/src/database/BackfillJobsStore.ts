import { Knex } from 'knex';

/**
 * Where a backfill stands: `receiving` (lines being stored), `deriving` (all stored, facts being
 * derived), `completed`, `failed` (stopped at a bad line) or `interrupted` (the stream broke off).
 */
export type BackfillStatus =
  | 'receiving'
  | 'deriving'
  | 'completed'
  | 'failed'
  | 'interrupted';

/** A backfill job's progress: `lines` is the stored prefix of its stream. */
export interface BackfillJob {
  id: string;
  source: string;
  status: BackfillStatus;
  lines: number;
  events: number;
  error?: string;
  /** Services whose facts are still to be derived. */
  pendingServices: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * Bulk backfill bookkeeping: the jobs and, per job, the services whose facts are still to be
 * derived. The methods taking a transaction write in the caller's, so a job's progress commits
 * with the events (or the derived facts) it describes.
 */
export interface BackfillJobsStore {
  /** Starts a backfill job (status `receiving`). */
  createBackfillJob(id: string, source: string): Promise<void>;

  /** Records a job's status (and the error that stopped it). */
  setBackfillStatus(
    id: string,
    status: BackfillStatus,
    error?: string,
  ): Promise<void>;

  /** A backfill job, if one with this id was started by this source. */
  getBackfillJob(id: string, source: string): Promise<BackfillJob | undefined>;

  /** Marks services for a job to derive and records how much of its stream is stored. */
  recordChunk(
    tx: Knex.Transaction,
    jobId: string,
    services: string[],
    progress: { lines: number; events: number },
  ): Promise<void>;

  /** The services a job marked and has not derived yet, in name order. */
  markedServices(jobId: string): Promise<string[]>;

  /** Drops a job's mark on a service; false when another caller dropped it first. */
  takeMark(
    tx: Knex.Transaction,
    jobId: string,
    service: string,
  ): Promise<boolean>;

  /** Records that a job made progress (its derivation, too, keeps it from looking abandoned). */
  touch(tx: Knex.Transaction, jobId: string): Promise<void>;

  /** Jobs with services still to derive that made no progress since `staleBefore`. */
  abandonedJobs(
    staleBefore: number,
  ): Promise<Array<{ id: string; status: BackfillStatus }>>;
}
