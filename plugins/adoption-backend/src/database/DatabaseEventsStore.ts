import { Knex } from 'knex';
import { chunks, dbNumber } from '@internal/plugin-portal-node';
import {
  AdoptionEventRecord,
  FIRST_MONDAY_MS,
  NO_OWNER,
  PortalRequestFacts,
  Window,
  WEEK_MS,
} from '../domain';
import { EventsStore } from './EventsStore';
import {
  aggregateRows,
  CHUNK,
  CountRow,
  DbInt,
  eventFromRow,
  EventRow,
  eventToRow,
} from './rows';

const TABLE = 'adoption_events';

/** Whether an event row stands for a successful template run naming an entity. */
const provenance = (q: Knex.QueryBuilder) =>
  q
    .where('type', 'template-run')
    .whereNotNull('entity_ref')
    .where(s => s.whereNull('status').orWhere('status', 'completed'));

export class DatabaseEventsStore implements EventsStore {
  constructor(private readonly db: Knex) {}

  async unknownIds(ids: string[]): Promise<Set<string>> {
    const unknown = new Set(ids);
    for (const batch of chunks(ids, CHUNK)) {
      const rows: Array<Pick<EventRow, 'id'>> = await this.db(TABLE)
        .select('id')
        .whereIn('id', batch);
      for (const r of rows) unknown.delete(r.id);
    }
    return unknown;
  }

  async insert(
    events: AdoptionEventRecord[],
    options: { receivedAt: number; historyTaskIds: Set<string> },
  ): Promise<void> {
    for (const batch of chunks(events, CHUNK)) {
      await this.db(TABLE)
        .insert(
          batch.map(e =>
            eventToRow(
              e,
              options.receivedAt,
              e.type === 'template-run' &&
                e.taskId !== null &&
                options.historyTaskIds.has(e.taskId),
            ),
          ),
        )
        .onConflict('id')
        .ignore();
    }
  }

  async markHistoryRuns(taskIds: string[]): Promise<void> {
    for (const batch of chunks(taskIds, CHUNK)) {
      await this.db(TABLE)
        .where('type', 'template-run')
        .where('history_run', false)
        .whereIn('task_id', batch)
        .update({ history_run: true });
    }
  }

  async listEvents(window: Window): Promise<AdoptionEventRecord[]> {
    const rows: EventRow[] = await this.db(TABLE)
      .select('*')
      .where(q =>
        q
          .where(w =>
            w
              .where('occurred_at', '>=', window.from)
              .where('occurred_at', '<', window.to),
          )
          .orWhere(provenance),
      );
    return rows.map(eventFromRow);
  }

  async listProvenanceEvents(): Promise<AdoptionEventRecord[]> {
    const rows: EventRow[] = await provenance(this.db(TABLE).select('*'));
    return rows.map(eventFromRow);
  }

  async portalRequestFacts(window: Window): Promise<PortalRequestFacts> {
    const requested = 'coalesce(requested_at, occurred_at)';
    const ready = `coalesce(ready_at, ${requested} + duration_ms, case when status = 'completed' then occurred_at end)`;
    const base = () =>
      this.db(TABLE)
        // coalesce(type) keeps SQLite (no statistics) off the type indexes, so it ranges over
        // request_at = coalesce(requested_at, occurred_at), the selective index.
        .whereRaw(
          `(coalesce(type, '') = 'self-service' or (coalesce(type, '') = 'template-run' and (status is null or status <> 'failed')))`,
        )
        .where('request_at', '>=', window.from)
        .where('request_at', '<', window.to);
    const [counts, minutes] = await Promise.all([
      aggregateRows<CountRow & { team: string; week: DbInt }>(
        base()
          .select({
            team: this.db.raw(`coalesce(owner, '${NO_OWNER}')`),
            week: this.db.raw(
              `(${requested} - ${Math.trunc(FIRST_MONDAY_MS)}) / ${Math.trunc(
                WEEK_MS,
              )}`,
            ),
          })
          .count({ count: '*' })
          .groupBy('team', 'week'),
      ),
      aggregateRows<CountRow & { minutes: DbInt }>(
        base()
          .select({ minutes: this.db.raw(`(${ready} - ${requested}) / 60000`) })
          .count({ count: '*' })
          .whereRaw(`${ready} is not null`)
          .groupBy('minutes'),
      ),
    ]);
    return {
      counts: counts.map(r => ({
        team: r.team,
        weekStart: FIRST_MONDAY_MS + dbNumber(r.week) * WEEK_MS,
        count: dbNumber(r.count),
      })),
      readyMinutes: minutes.map(r => ({
        minutes: Math.floor(dbNumber(r.minutes)),
        count: dbNumber(r.count),
      })),
    };
  }

  async eventOnlyRunEvents(window: Window): Promise<AdoptionEventRecord[]> {
    const rows: EventRow[] = await this.db(`${TABLE} as e`)
      .select('e.*')
      .leftJoin('adoption_template_runs as r', 'r.task_id', 'e.task_id')
      .where('e.type', 'template-run')
      .where('e.history_run', false)
      .whereNull('r.task_id')
      .where('e.occurred_at', '>=', window.from)
      .where('e.occurred_at', '<', window.to);
    return rows.map(eventFromRow);
  }

  async count(): Promise<number> {
    const [{ count }]: CountRow[] = await this.db(TABLE).count({ count: '*' });
    return dbNumber(count);
  }
}
