import { dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import {
  BackfillJob,
  BackfillJobsStore,
  BackfillStatus,
} from './BackfillJobsStore';
import { BackfillJobRow } from './rows';
import { BACKFILL } from './tables';

/** {@link BackfillJobsStore} on the plugin's database (`dora_backfill_*` tables). */
export class DatabaseBackfillJobsStore implements BackfillJobsStore {
  constructor(private readonly db: Knex) {}

  async createBackfillJob(id: string, source: string): Promise<void> {
    const now = Date.now();
    await this.db(BACKFILL.jobs).insert({
      id,
      source,
      status: 'receiving',
      lines: 0,
      events: 0,
      error: null,
      created_at: now,
      updated_at: now,
    });
  }

  async setBackfillStatus(
    id: string,
    status: BackfillStatus,
    error?: string,
  ): Promise<void> {
    await this.db(BACKFILL.jobs)
      .where('id', id)
      .update({ status, error: error ?? null, updated_at: Date.now() });
  }

  async getBackfillJob(
    id: string,
    source: string,
  ): Promise<BackfillJob | undefined> {
    const row: BackfillJobRow | undefined = await this.db(BACKFILL.jobs)
      .where({ id, source })
      .first();
    if (!row) {
      return undefined;
    }
    const [{ count }] = await this.db(BACKFILL.services)
      .where('job_id', id)
      .count({ count: '*' });
    return {
      id: row.id,
      source: row.source,
      status: row.status as BackfillStatus,
      lines: dbNumber(row.lines),
      events: dbNumber(row.events),
      error: row.error ?? undefined,
      pendingServices: dbNumber(count),
      createdAt: dbNumber(row.created_at),
      updatedAt: dbNumber(row.updated_at),
    };
  }

  async recordChunk(
    tx: Knex.Transaction,
    jobId: string,
    services: string[],
    progress: { lines: number; events: number },
  ): Promise<void> {
    await tx(BACKFILL.services)
      .insert([...services].sort().map(service => ({ job_id: jobId, service })))
      .onConflict(['job_id', 'service'])
      .ignore();
    await tx(BACKFILL.jobs).where('id', jobId).update({
      lines: progress.lines,
      events: progress.events,
      updated_at: Date.now(),
    });
  }

  async markedServices(jobId: string): Promise<string[]> {
    return this.db(BACKFILL.services)
      .where('job_id', jobId)
      .orderBy('service')
      .pluck('service');
  }

  async takeMark(
    tx: Knex.Transaction,
    jobId: string,
    service: string,
  ): Promise<boolean> {
    const mark = await tx(BACKFILL.services)
      .where({ job_id: jobId, service })
      .delete();
    return mark !== 0;
  }

  async touch(tx: Knex.Transaction, jobId: string): Promise<void> {
    await tx(BACKFILL.jobs)
      .where('id', jobId)
      .update({ updated_at: Date.now() });
  }

  async abandonedJobs(
    staleBefore: number,
  ): Promise<Array<{ id: string; status: BackfillStatus }>> {
    return this.db(BACKFILL.jobs)
      .whereIn('id', this.db(BACKFILL.services).distinct('job_id'))
      .where('updated_at', '<', staleBefore)
      .select('id', 'status');
  }
}
