import { Knex } from 'knex';
import { chunks, dbNumber } from '@internal/plugin-portal-node';
import {
  AdoptionEventRecord,
  durationBucketSeconds,
  NO_OWNER,
  PortalRequestFacts,
  TemplateRunFacts,
  Window,
  weekStart,
} from '../domain';
import { RollupsStore } from './RollupsStore';
import {
  aggregateRows,
  CHUNK,
  CountRow,
  dayOf,
  DbInt,
  isPostgres,
} from './rows';
import { RunRollupFields } from './TemplateRunsStore';

/** Key of the pg_advisory_xact_lock that serialises rollup writers across replicas. */
const ROLLUP_LOCK = 6_118_006;

type RollupKey = Record<string, string | number>;

/** Count changes per rollup key, applied with one upsert per key (count + delta). */
class Deltas {
  readonly map = new Map<string, { key: RollupKey; n: number }>();
  add(key: RollupKey, n: number) {
    const k = JSON.stringify(Object.values(key));
    const entry = this.map.get(k);
    if (entry) entry.n += n;
    else this.map.set(k, { key, n });
  }
}

/** The portal request an event stands for, as the events store's `portalRequestFacts` counts it. */
function requestOf(
  e: AdoptionEventRecord,
): { day: number; team: string; minutes: number | null } | undefined {
  const isRequest =
    e.type === 'self-service' ||
    (e.type === 'template-run' && e.status !== 'failed');
  if (!isRequest) return undefined;
  const requested = Math.round(e.requestedAt ?? e.occurredAt);
  let ready: number | null = null;
  if (e.readyAt !== null) ready = Math.round(e.readyAt);
  else if (e.durationMs !== null) ready = requested + Math.round(e.durationMs);
  else if (e.status === 'completed') ready = Math.round(e.occurredAt);
  return {
    day: dayOf(requested),
    team: e.owner ?? NO_OWNER,
    // SQL integer division truncates toward zero.
    minutes: ready === null ? null : Math.trunc((ready - requested) / 60_000),
  };
}

export class DatabaseRollupsStore implements RollupsStore {
  constructor(private readonly db: Knex) {}

  async lock(): Promise<void> {
    if (isPostgres(this.db)) {
      await this.db.raw('select pg_advisory_xact_lock(?)', [ROLLUP_LOCK]);
    }
  }

  async addPortalRequests(events: AdoptionEventRecord[]): Promise<void> {
    const days = new Deltas();
    const ready = new Deltas();
    for (const e of events) {
      const request = requestOf(e);
      if (!request) continue;
      days.add({ day: request.day, team: request.team }, 1);
      if (request.minutes !== null) {
        ready.add({ day: request.day, minutes: request.minutes }, 1);
      }
    }
    await this.apply('adoption_request_days', days);
    await this.apply('adoption_request_ready_days', ready);
  }

  async replaceRuns(
    replaced: RunRollupFields[],
    written: RunRollupFields[],
  ): Promise<void> {
    const days = new Deltas();
    const durations = new Deltas();
    const count = (r: RunRollupFields, n: number) => {
      const day = dayOf(r.createdAt);
      days.add({ day, template_ref: r.templateRef, status: r.status }, n);
      if (r.status === 'completed' && r.durationMs !== null) {
        durations.add(
          {
            week: weekStart(r.createdAt),
            template_ref: r.templateRef,
            seconds: durationBucketSeconds(Math.trunc(r.durationMs / 1000)),
          },
          n,
        );
      }
    };
    for (const r of replaced) count(r, -1);
    for (const r of written) count(r, 1);
    await this.apply('adoption_run_days', days);
    await this.apply('adoption_run_duration_weeks', durations);
  }

  /** Adds count deltas to a rollup table; rows that drop to zero are removed. */
  private async apply(table: string, deltas: Deltas) {
    const changes = [...deltas.map.values()].filter(d => d.n !== 0);
    for (const rows of chunks(changes, CHUNK)) {
      const keys = Object.keys(rows[0].key);
      await this.db(table)
        .insert(rows.map(d => ({ ...d.key, count: d.n })))
        .onConflict(keys)
        .merge({ count: this.db.raw(`${table}.count + excluded.count`) });
    }
    // The first key column is the day or week: removes only rows of the periods just changed.
    const negative = changes.filter(d => d.n < 0);
    for (const rows of chunks(negative, CHUNK)) {
      const period = Object.keys(rows[0].key)[0];
      await this.db(table)
        .where('count', '<=', 0)
        .whereIn(period, [...new Set(rows.map(d => d.key[period]))])
        .delete();
    }
  }

  async portalRequestFacts(days: Window): Promise<PortalRequestFacts> {
    const [counts, minutes] = await Promise.all([
      aggregateRows<CountRow & { day: DbInt; team: string }>(
        this.db('adoption_request_days')
          .select('day', 'team', 'count')
          .where('day', '>=', days.from)
          .where('day', '<', days.to),
      ),
      aggregateRows<CountRow & { minutes: DbInt }>(
        this.db('adoption_request_ready_days')
          .select('minutes')
          .sum({ count: 'count' })
          .where('day', '>=', days.from)
          .where('day', '<', days.to)
          .groupBy('minutes'),
      ),
    ]);
    return {
      counts: counts.map(r => ({
        team: r.team,
        weekStart: weekStart(dbNumber(r.day)),
        count: dbNumber(r.count),
      })),
      readyMinutes: minutes.map(r => ({
        minutes: dbNumber(r.minutes),
        count: dbNumber(r.count),
      })),
    };
  }

  async runCounts(days: Window): Promise<TemplateRunFacts> {
    const counts: Array<
      CountRow & { day: DbInt; template_ref: string; status: string }
    > = await this.db('adoption_run_days')
      .select('day', 'template_ref', 'status', 'count')
      .where('day', '>=', days.from)
      .where('day', '<', days.to);
    return {
      counts: counts.map(r => ({
        templateRef: r.template_ref,
        weekStart: weekStart(dbNumber(r.day)),
        status: r.status,
        count: dbNumber(r.count),
      })),
      failures: [],
      durations: [],
    };
  }

  async runDurations(weeks: Window): Promise<TemplateRunFacts> {
    const durations = await aggregateRows<
      CountRow & { template_ref: string; seconds: DbInt }
    >(
      this.db('adoption_run_duration_weeks')
        .select('template_ref', 'seconds')
        .sum({ count: 'count' })
        .where('week', '>=', weeks.from)
        .where('week', '<', weeks.to)
        .groupBy('template_ref', 'seconds'),
    );
    return {
      counts: [],
      failures: [],
      durations: durations.map(r => ({
        templateRef: r.template_ref,
        seconds: dbNumber(r.seconds),
        count: dbNumber(r.count),
      })),
    };
  }
}
