import { Knex } from 'knex';
import { chunks, dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import {
  FIRST_MONDAY_MS,
  TemplateRunFacts,
  TemplateRunRecord,
  TemplateRunStatus,
  Window,
  WEEK_MS,
} from '../domain';
import {
  CHUNK,
  CountRow,
  DbInt,
  durationBucketSql,
  roundOrNull,
  TemplateRunRow,
} from './rows';
import {
  CollectedRun,
  RunRollupFields,
  TemplateRunsStore,
} from './TemplateRunsStore';

const TABLE = 'adoption_template_runs';

type RollupColumns = Pick<
  TemplateRunRow,
  'template_ref' | 'status' | 'created_at' | 'duration_ms'
>;

const rollupFieldsOf = (r: RollupColumns): RunRollupFields => ({
  templateRef: r.template_ref,
  status: r.status,
  createdAt: dbNumber(r.created_at),
  durationMs: dbNumberOrNull(r.duration_ms),
});

export class DatabaseTemplateRunsStore implements TemplateRunsStore {
  constructor(private readonly db: Knex) {}

  async upsert(
    runs: CollectedRun[],
  ): Promise<{ replaced: RunRollupFields[]; written: RunRollupFields[] }> {
    const replaced: RunRollupFields[] = [];
    const written: RunRollupFields[] = [];
    for (const batch of chunks(runs, CHUNK)) {
      const stored: RollupColumns[] = await this.db(TABLE)
        .select('template_ref', 'status', 'created_at', 'duration_ms')
        .whereIn(
          'task_id',
          batch.map(r => r.taskId),
        );
      replaced.push(...stored.map(rollupFieldsOf));
      const values: TemplateRunRow[] = batch.map(r => ({
        task_id: r.taskId,
        template_ref: r.templateRef,
        template_version: r.templateVersion,
        status: r.status,
        created_at: Math.round(r.createdAt),
        finished_at: roundOrNull(r.finishedAt),
        duration_ms: roundOrNull(r.durationMs),
        failed_step: r.failedStep,
        error_message: r.errorMessage,
      }));
      written.push(...values.map(rollupFieldsOf));
      await this.db(TABLE).insert(values).onConflict('task_id').merge();
    }
    return { replaced, written };
  }

  async storedTaskIds(taskIds: string[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (const batch of chunks(taskIds, CHUNK)) {
      const rows: Array<Pick<TemplateRunRow, 'task_id'>> = await this.db(TABLE)
        .select('task_id')
        .whereIn('task_id', batch);
      for (const r of rows) stored.add(r.task_id);
    }
    return stored;
  }

  async listRuns(window: Window): Promise<TemplateRunRecord[]> {
    const rows: TemplateRunRow[] = await this.db(TABLE)
      .select(
        'task_id',
        'template_ref',
        'status',
        'created_at',
        'duration_ms',
        'failed_step',
        'error_message',
      )
      .where('created_at', '>=', window.from)
      .where('created_at', '<', window.to);
    return rows.map(r => ({
      taskId: r.task_id,
      templateRef: r.template_ref,
      status: r.status as TemplateRunStatus,
      createdAt: dbNumber(r.created_at),
      durationMs: dbNumberOrNull(r.duration_ms),
      failedStep: r.failed_step,
      errorMessage: r.error_message,
    }));
  }

  async templateRunFacts(
    window: Window,
    parts: Array<keyof TemplateRunFacts> = ['counts', 'failures', 'durations'],
  ): Promise<TemplateRunFacts> {
    const inWindow = (q: Knex.QueryBuilder) =>
      q
        .where('created_at', '>=', window.from)
        .where('created_at', '<', window.to);
    // Integer literals (module constants), so both databases divide as integers.
    const week = this.db.raw(
      `(created_at - ${Math.trunc(FIRST_MONDAY_MS)}) / ${Math.trunc(WEEK_MS)}`,
    );
    const skip = async () => [];
    const [counts, failures, durations]: [
      Array<CountRow & { template_ref: string; status: string; week: DbInt }>,
      Array<
        CountRow & {
          template_ref: string;
          failed_step: string | null;
          error_message: string | null;
          last: DbInt;
        }
      >,
      Array<CountRow & { template_ref: string; seconds: DbInt }>,
    ] = await Promise.all([
      !parts.includes('counts')
        ? skip()
        : inWindow(
            this.db(TABLE)
              .select('template_ref', 'status', { week })
              .count({ count: '*' })
              .groupBy('template_ref', 'status', 'week'),
          ),
      !parts.includes('failures')
        ? skip()
        : inWindow(
            this.db(TABLE)
              .select('template_ref', 'failed_step', 'error_message')
              .count({ count: '*' })
              .max({ last: 'created_at' })
              .where('status', 'failed')
              .groupBy('template_ref', 'failed_step', 'error_message'),
          ),
      !parts.includes('durations')
        ? skip()
        : inWindow(
            this.db(TABLE)
              .select('template_ref', {
                seconds: this.db.raw(durationBucketSql('duration_ms / 1000')),
              })
              .count({ count: '*' })
              .where('status', 'completed')
              .whereNotNull('duration_ms')
              .groupBy('template_ref', 'seconds'),
          ),
    ]);
    return {
      counts: counts.map(r => ({
        templateRef: r.template_ref,
        weekStart: FIRST_MONDAY_MS + dbNumber(r.week) * WEEK_MS,
        status: r.status,
        count: dbNumber(r.count),
      })),
      failures: failures.map(r => ({
        templateRef: r.template_ref,
        step: r.failed_step,
        message: r.error_message,
        count: dbNumber(r.count),
        lastAt: dbNumber(r.last),
      })),
      durations: durations.map(r => ({
        templateRef: r.template_ref,
        seconds: Math.floor(dbNumber(r.seconds)),
        count: dbNumber(r.count),
      })),
    };
  }

  async runStatuses(
    taskIds: string[],
  ): Promise<Map<string, TemplateRunStatus>> {
    const result = new Map<string, TemplateRunStatus>();
    for (const batch of chunks(taskIds, CHUNK)) {
      const rows: Array<Pick<TemplateRunRow, 'task_id' | 'status'>> =
        await this.db(TABLE)
          .select('task_id', 'status')
          .whereIn('task_id', batch);
      for (const r of rows) {
        result.set(r.task_id, r.status as TemplateRunStatus);
      }
    }
    return result;
  }

  async unfinishedRunIds(limit: number): Promise<string[]> {
    const rows: Array<Pick<TemplateRunRow, 'task_id'>> = await this.db(TABLE)
      .select('task_id')
      .whereIn('status', ['open', 'processing'])
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(r => r.task_id);
  }

  async count(): Promise<number> {
    const [{ count }]: CountRow[] = await this.db(TABLE).count({ count: '*' });
    return dbNumber(count);
  }
}
