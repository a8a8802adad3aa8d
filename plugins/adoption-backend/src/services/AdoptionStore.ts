import {
  DatabaseService,
  isDatabaseConflictError,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import {
  AdoptionEventRecord,
  ComponentRecord,
  compareStrings,
  DAY_MS,
  durationBucketSeconds,
  DURATION_EXACT_BELOW_SECONDS,
  FIRST_MONDAY_MS,
  isProvenanceEvent,
  NO_OWNER,
  PortalRequestFacts,
  NpsAnswerRecord,
  TemplateRunFacts,
  TemplateRunRecord,
  TemplateRunStatus,
  TicketRecord,
  UsageRollups,
  Window,
  WEEK_MS,
  weekStart,
} from '../domain';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-adoption-backend',
  'migrations',
);

/** Rows per INSERT, well under SQLite's bound-parameter limit. */
const CHUNK = 200;

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

/** Start (UTC midnight) of the day of `ms`, as the rollups and `(t / DAY) * DAY` in SQL key it. */
const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * A window as the whole days inside it (served from rollups) and the partial days at its edges
 * (aggregated from the raw rows), so rollup-based facts are exact for any window.
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

/** durationBucketSeconds in SQL (integer division on both databases). */
function durationBucketSql(seconds: string): string {
  const cases = [
    `when ${seconds} < ${DURATION_EXACT_BELOW_SECONDS} then ${seconds}`,
  ];
  for (let k = 1; k <= 40; k++) {
    const step = 2 ** k;
    cases.push(
      `when ${seconds} < ${
        DURATION_EXACT_BELOW_SECONDS * step
      } then (${seconds} / ${step}) * ${step}`,
    );
  }
  return `(case ${cases.join(' ')} else ${seconds} end)`;
}

/** Key of the pg_advisory_xact_lock that serialises rollup writers across replicas. */
const ROLLUP_LOCK = 6_118_006;

/** Count changes per rollup key, applied with one upsert per key (count + delta). */
class Deltas {
  readonly map = new Map<string, { key: Record<string, unknown>; n: number }>();
  add(key: Record<string, unknown>, n: number) {
    const k = JSON.stringify(Object.values(key));
    const entry = this.map.get(k);
    if (entry) entry.n += n;
    else this.map.set(k, { key, n });
  }
}

/** The portal request an event stands for, as `portalRequestFacts` counts it in SQL. */
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

/** A stored event row as the domain's record. */
function eventOf(r: any): AdoptionEventRecord {
  return {
    id: r.id,
    type: r.type,
    occurredAt: num(r.occurred_at),
    templateRef: r.template_ref,
    templateVersion: r.template_version,
    taskId: r.task_id,
    entityRef: r.entity_ref,
    owner: r.owner,
    kind: r.kind,
    requestedAt: numOrNull(r.requested_at),
    readyAt: numOrNull(r.ready_at),
    status: r.status,
    durationMs: numOrNull(r.duration_ms),
  };
}

/** One rolled-up analytics batch: page views per day and plugin, users per week. */
export interface UsageBatch {
  views: Array<{ day: number; pluginId: string; views: number }>;
  users: Array<{ week: number; userKey: string }>;
}

/**
 * The adoption plugin's tables. Every write is an idempotent upsert on a natural key (event id,
 * task id, ticket external id, rollup key), so redeliveries, re-imports and several replicas
 * writing at once converge on the same rows.
 */
export class AdoptionStore {
  static async create(options: {
    database: DatabaseService | { getClient(): Promise<Knex> };
    skipMigrations?: boolean;
  }): Promise<AdoptionStore> {
    const db = await options.database.getClient();
    const skip =
      options.skipMigrations ??
      ('migrations' in options.database && options.database.migrations?.skip);
    if (!skip) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new AdoptionStore(db);
  }

  private constructor(private readonly db: Knex) {}

  // --- adoption events -------------------------------------------------------------------

  /**
   * Stores events whose id is new; returns how many were new. A repeated id changes nothing. The
   * portal-request rollups of the new events are added in the same transaction, under the rollup
   * lock, so redelivery and concurrent replicas never count an event twice.
   */
  async insertEvents(
    events: AdoptionEventRecord[],
    receivedAt: number = Date.now(),
  ): Promise<number> {
    const unique = [...new Map(events.map(e => [e.id, e])).values()].sort(
      (a, b) => compareStrings(a.id, b.id),
    );
    let inserted = 0;
    let provenanceChanged = false;
    await this.db.transaction(async tx => {
      await this.lockRollups(tx);
      const days = new Deltas();
      const ready = new Deltas();
      for (const rows of chunks(unique, CHUNK)) {
        const existing = new Set(
          (
            await tx('adoption_events')
              .select('id')
              .whereIn(
                'id',
                rows.map(r => r.id),
              )
          ).map((r: any) => r.id),
        );
        const fresh = rows.filter(r => !existing.has(r.id));
        inserted += fresh.length;
        if (fresh.length === 0) continue;
        const taskIds = fresh
          .filter(e => e.type === 'template-run' && e.taskId !== null)
          .map(e => e.taskId!);
        const collected = new Set(
          taskIds.length === 0
            ? []
            : (
                await tx('adoption_template_runs')
                  .select('task_id')
                  .whereIn('task_id', taskIds)
              ).map((r: any) => r.task_id),
        );
        await tx('adoption_events')
          .insert(
            fresh.map(e => ({
              id: e.id,
              type: e.type,
              occurred_at: Math.round(e.occurredAt),
              template_ref: e.templateRef,
              template_version: e.templateVersion,
              task_id: e.taskId,
              entity_ref: e.entityRef,
              owner: e.owner,
              kind: e.kind,
              requested_at:
                e.requestedAt === null ? null : Math.round(e.requestedAt),
              ready_at: e.readyAt === null ? null : Math.round(e.readyAt),
              status: e.status,
              duration_ms:
                e.durationMs === null ? null : Math.round(e.durationMs),
              received_at: Math.round(receivedAt),
              request_at: Math.round(e.requestedAt ?? e.occurredAt),
              history_run:
                e.type === 'template-run' &&
                e.taskId !== null &&
                collected.has(e.taskId),
            })),
          )
          .onConflict('id')
          .ignore();
        if (fresh.some(isProvenanceEvent)) provenanceChanged = true;
        for (const e of fresh) {
          const request = requestOf(e);
          if (!request) continue;
          days.add({ day: request.day, team: request.team }, 1);
          if (request.minutes !== null) {
            ready.add({ day: request.day, minutes: request.minutes }, 1);
          }
        }
      }
      await this.applyDeltas(tx, 'adoption_request_days', days);
      await this.applyDeltas(tx, 'adoption_request_ready_days', ready);
      if (provenanceChanged) await this.bumpCatalogVersion(tx);
    });
    return inserted;
  }

  private get isPostgres(): boolean {
    return /pg|postgres/.test(String(this.db.client.config.client));
  }

  /** Serialises rollup writers: PostgreSQL across replicas; SQLite writes are serial anyway. */
  private async lockRollups(tx: Knex.Transaction) {
    if (this.isPostgres) {
      await tx.raw('select pg_advisory_xact_lock(?)', [ROLLUP_LOCK]);
    }
  }

  /** Adds count deltas to a rollup table; rows that drop to zero are removed. */
  private async applyDeltas(
    tx: Knex.Transaction,
    table: string,
    deltas: Deltas,
  ) {
    const changes = [...deltas.map.values()].filter(d => d.n !== 0);
    for (const rows of chunks(changes, CHUNK)) {
      const keys = Object.keys(rows[0].key);
      await tx(table)
        .insert(rows.map(d => ({ ...d.key, count: d.n })))
        .onConflict(keys)
        .merge({ count: tx.raw(`${table}.count + excluded.count`) });
    }
    // The first key column is the day or week: removes only rows of the periods just changed.
    const negative = changes.filter(d => d.n < 0);
    for (const rows of chunks(negative, CHUNK)) {
      const period = Object.keys(rows[0].key)[0];
      await tx(table)
        .where('count', '<=', 0)
        .whereIn(period, [...new Set(rows.map(d => d.key[period] as number))])
        .delete();
    }
  }

  /**
   * Events that occurred in the window, plus every successful template-run event naming an entity
   * (the provenance of components created before their annotations existed).
   */
  async listEvents(window: Window): Promise<AdoptionEventRecord[]> {
    const rows = await this.db('adoption_events')
      .select('*')
      .where(q =>
        q
          .where(w =>
            w
              .where('occurred_at', '>=', window.from)
              .where('occurred_at', '<', window.to),
          )
          .orWhere(w =>
            w
              .where('type', 'template-run')
              .whereNotNull('entity_ref')
              .where(s => s.whereNull('status').orWhere('status', 'completed')),
          ),
      );
    return rows.map(eventOf);
  }

  /**
   * Successful template-run events naming an entity: provenance, whenever they occurred. The
   * same rule as `isProvenanceEvent`, whose new events count as a catalog change.
   */
  async listProvenanceEvents(): Promise<AdoptionEventRecord[]> {
    const rows = await this.db('adoption_events')
      .select('*')
      .where('type', 'template-run')
      .whereNotNull('entity_ref')
      .where(s => s.whereNull('status').orWhere('status', 'completed'));
    return rows.map(eventOf);
  }

  /**
   * Portal requests made in the window, aggregated in the database the way `portalRequestsOf`
   * and `portalRequestFactsOf` do from events: every self-service event and every template run
   * that did not fail; requested at `requestedAt` (else the event time); Ready at `readyAt`, else
   * request plus duration, else the event time of a completed one.
   */
  async portalRequestFacts(window: Window): Promise<PortalRequestFacts> {
    const { days, edges } = splitWindow(window);
    const parts = await Promise.all([
      ...edges.map(w => this.rawPortalRequestFacts(w)),
      ...(days ? [this.rolledUpPortalRequestFacts(days)] : []),
    ]);
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

  /** Portal request facts of whole days, from the daily rollups. */
  private async rolledUpPortalRequestFacts(
    days: Window,
  ): Promise<PortalRequestFacts> {
    const [counts, minutes] = await Promise.all([
      this.db('adoption_request_days')
        .select('day', 'team', 'count')
        .where('day', '>=', days.from)
        .where('day', '<', days.to),
      this.db('adoption_request_ready_days')
        .select('minutes')
        .sum({ count: 'count' })
        .where('day', '>=', days.from)
        .where('day', '<', days.to)
        .groupBy('minutes'),
    ]);
    return {
      counts: counts.map((r: any) => ({
        team: r.team,
        weekStart: weekStart(num(r.day)),
        count: num(r.count),
      })),
      readyMinutes: minutes.map((r: any) => ({
        minutes: num(r.minutes),
        count: num(r.count),
      })),
    };
  }

  /** Portal request facts aggregated from the events themselves (partial days). */
  async rawPortalRequestFacts(window: Window): Promise<PortalRequestFacts> {
    const requested = 'coalesce(requested_at, occurred_at)';
    const ready = `coalesce(ready_at, ${requested} + duration_ms, case when status = 'completed' then occurred_at end)`;
    const base = () =>
      this.db('adoption_events')
        // coalesce(type) keeps SQLite (no statistics) off the type indexes, so it ranges over
        // request_at = coalesce(requested_at, occurred_at), the selective index.
        .whereRaw(
          `(coalesce(type, '') = 'self-service' or (coalesce(type, '') = 'template-run' and (status is null or status <> 'failed')))`,
        )
        .where('request_at', '>=', window.from)
        .where('request_at', '<', window.to);
    const [counts, minutes] = await Promise.all([
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
      base()
        .select({ minutes: this.db.raw(`(${ready} - ${requested}) / 60000`) })
        .count({ count: '*' })
        .whereRaw(`${ready} is not null`)
        .groupBy('minutes'),
    ]);
    return {
      counts: counts.map((r: any) => ({
        team: r.team,
        weekStart: FIRST_MONDAY_MS + num(r.week) * WEEK_MS,
        count: num(r.count),
      })),
      readyMinutes: minutes.map((r: any) => ({
        minutes: Math.floor(num(r.minutes)),
        count: num(r.count),
      })),
    };
  }

  /** Template-run events in the window whose task the collected history does not hold. */
  async eventOnlyRunEvents(window: Window): Promise<AdoptionEventRecord[]> {
    const rows = await this.db('adoption_events as e')
      .select('e.*')
      .leftJoin('adoption_template_runs as r', 'r.task_id', 'e.task_id')
      .where('e.type', 'template-run')
      .where('e.history_run', false)
      .whereNull('r.task_id')
      .where('e.occurred_at', '>=', window.from)
      .where('e.occurred_at', '<', window.to);
    return rows.map(eventOf);
  }

  // --- template runs ---------------------------------------------------------------------

  /**
   * Upserts runs by task id. The daily rollups change by the difference between the stored and
   * the new rows, in the same transaction and under the rollup lock, so a repeated or reordered
   * delivery converges on the rollups a recompute from the rows would give.
   */
  async upsertRuns(
    runs: Array<
      TemplateRunRecord & {
        templateVersion: string | null;
        finishedAt: number | null;
      }
    >,
  ): Promise<void> {
    const unique = [...new Map(runs.map(r => [r.taskId, r])).values()].sort(
      (a, b) => compareStrings(a.taskId, b.taskId),
    );
    await this.db.transaction(async tx => {
      await this.lockRollups(tx);
      const days = new Deltas();
      const durations = new Deltas();
      const count = (
        r: {
          template_ref: string;
          status: string;
          created_at: number;
          duration_ms: number | null;
        },
        n: number,
      ) => {
        const day = dayOf(r.created_at);
        days.add({ day, template_ref: r.template_ref, status: r.status }, n);
        if (r.status === 'completed' && r.duration_ms !== null) {
          durations.add(
            {
              week: weekStart(r.created_at),
              template_ref: r.template_ref,
              seconds: durationBucketSeconds(Math.trunc(r.duration_ms / 1000)),
            },
            n,
          );
        }
      };
      for (const rows of chunks(unique, CHUNK)) {
        const ids = rows.map(r => r.taskId);
        const stored = await tx('adoption_template_runs')
          .select('template_ref', 'status', 'created_at', 'duration_ms')
          .whereIn('task_id', ids);
        for (const r of stored as any[]) {
          count(
            {
              template_ref: r.template_ref,
              status: r.status,
              created_at: num(r.created_at),
              duration_ms: numOrNull(r.duration_ms),
            },
            -1,
          );
        }
        const values = rows.map(r => ({
          task_id: r.taskId,
          template_ref: r.templateRef,
          template_version: r.templateVersion,
          status: r.status,
          created_at: Math.round(r.createdAt),
          finished_at: r.finishedAt === null ? null : Math.round(r.finishedAt),
          duration_ms: r.durationMs === null ? null : Math.round(r.durationMs),
          failed_step: r.failedStep,
          error_message: r.errorMessage,
        }));
        for (const v of values) count(v, 1);
        await tx('adoption_template_runs')
          .insert(values)
          .onConflict('task_id')
          .merge();
        await tx('adoption_events')
          .where('type', 'template-run')
          .where('history_run', false)
          .whereIn('task_id', ids)
          .update({ history_run: true });
      }
      await this.applyDeltas(tx, 'adoption_run_days', days);
      await this.applyDeltas(tx, 'adoption_run_duration_weeks', durations);
    });
  }

  async listRuns(window: Window): Promise<TemplateRunRecord[]> {
    const rows = await this.db('adoption_template_runs')
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
    return rows.map((r: any) => ({
      taskId: r.task_id,
      templateRef: r.template_ref,
      status: r.status as TemplateRunStatus,
      createdAt: num(r.created_at),
      durationMs: numOrNull(r.duration_ms),
      failedStep: r.failed_step,
      errorMessage: r.error_message,
    }));
  }

  /**
   * Template runs started in the window, aggregated in the database: counts per template, week
   * and status; failures per template, step and message; successful runs' durations per whole
   * second. Weeks start on Mondays (UTC), as `weekStart` computes them.
   */
  async templateRunFacts(window: Window): Promise<TemplateRunFacts> {
    const byDay = splitWindow(window, 'day');
    const byWeek = splitWindow(window, 'week');
    const [failures, ...parts] = await Promise.all([
      this.rawTemplateRunFacts(window, ['failures']),
      ...byDay.edges.map(w => this.rawTemplateRunFacts(w, ['counts'])),
      ...byWeek.edges.map(w => this.rawTemplateRunFacts(w, ['durations'])),
      ...(byDay.days ? [this.rolledUpRunCounts(byDay.days)] : []),
      ...(byWeek.days ? [this.rolledUpRunDurations(byWeek.days)] : []),
    ]);
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
      failures: failures.failures,
      durations: [...durations.values()],
    };
  }

  /** Run counts of whole days, from the daily rollups. */
  private async rolledUpRunCounts(days: Window): Promise<TemplateRunFacts> {
    const counts = await this.db('adoption_run_days')
      .select('day', 'template_ref', 'status', 'count')
      .where('day', '>=', days.from)
      .where('day', '<', days.to);
    return {
      counts: counts.map((r: any) => ({
        templateRef: r.template_ref,
        weekStart: weekStart(num(r.day)),
        status: r.status,
        count: num(r.count),
      })),
      failures: [],
      durations: [],
    };
  }

  /** Successful runs' duration histograms of whole weeks, from the weekly rollups. */
  private async rolledUpRunDurations(weeks: Window): Promise<TemplateRunFacts> {
    const durations = await this.db('adoption_run_duration_weeks')
      .select('template_ref', 'seconds')
      .sum({ count: 'count' })
      .where('week', '>=', weeks.from)
      .where('week', '<', weeks.to)
      .groupBy('template_ref', 'seconds');
    return {
      counts: [],
      failures: [],
      durations: durations.map((r: any) => ({
        templateRef: r.template_ref,
        seconds: num(r.seconds),
        count: num(r.count),
      })),
    };
  }

  /**
   * Template run facts aggregated from the rows themselves (partial days; failures, which are
   * few and keyed by free text, always).
   */
  async rawTemplateRunFacts(
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
    const [counts, failures, durations] = await Promise.all([
      !parts.includes('counts')
        ? skip()
        : inWindow(
            this.db('adoption_template_runs')
              .select('template_ref', 'status', { week })
              .count({ count: '*' })
              .groupBy('template_ref', 'status', 'week'),
          ),
      !parts.includes('failures')
        ? skip()
        : inWindow(
            this.db('adoption_template_runs')
              .select('template_ref', 'failed_step', 'error_message')
              .count({ count: '*' })
              .max({ last: 'created_at' })
              .where('status', 'failed')
              .groupBy('template_ref', 'failed_step', 'error_message'),
          ),
      !parts.includes('durations')
        ? skip()
        : inWindow(
            this.db('adoption_template_runs')
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
      counts: counts.map((r: any) => ({
        templateRef: r.template_ref,
        weekStart: FIRST_MONDAY_MS + num(r.week) * WEEK_MS,
        status: r.status,
        count: num(r.count),
      })),
      failures: failures.map((r: any) => ({
        templateRef: r.template_ref,
        step: r.failed_step,
        message: r.error_message,
        count: num(r.count),
        lastAt: num(r.last),
      })),
      durations: durations.map((r: any) => ({
        templateRef: r.template_ref,
        seconds: Math.floor(num(r.seconds)),
        count: num(r.count),
      })),
    };
  }

  /** Stored status of each of the given tasks. */
  async runStatuses(
    taskIds: string[],
  ): Promise<Map<string, TemplateRunStatus>> {
    const result = new Map<string, TemplateRunStatus>();
    for (const ids of chunks(taskIds, CHUNK)) {
      const rows = await this.db('adoption_template_runs')
        .select('task_id', 'status')
        .whereIn('task_id', ids);
      for (const r of rows as any[]) result.set(r.task_id, r.status);
    }
    return result;
  }

  /** Tasks stored while still running, to be looked up again. */
  async unfinishedRunIds(limit: number): Promise<string[]> {
    const rows = await this.db('adoption_template_runs')
      .select('task_id')
      .whereIn('status', ['open', 'processing'])
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map((r: any) => r.task_id);
  }

  // --- catalog and DORA snapshots --------------------------------------------------------

  /**
   * Replaces the component and template snapshot in one transaction, unless it equals the one
   * stored; returns whether it changed (and so counted as a catalog change).
   */
  async replaceCatalogSnapshot(
    components: ComponentRecord[],
    templates: Map<string, string>,
  ): Promise<boolean> {
    const sortedComponents = [...components].sort((a, b) =>
      compareStrings(a.entityRef, b.entityRef),
    );
    const sortedTemplates = [...templates.entries()].sort((a, b) =>
      compareStrings(a[0], b[0]),
    );
    return this.replaceSnapshot(
      'catalog_snapshot',
      [sortedComponents, sortedTemplates],
      async tx => {
        await tx('adoption_components').delete();
        await tx('adoption_templates').delete();
        for (const rows of chunks(sortedComponents, CHUNK)) {
          await tx('adoption_components').insert(
            rows.map(c => ({
              entity_ref: c.entityRef,
              owner: c.owner,
              template_ref: c.templateRef,
              template_version: c.templateVersion,
              created_at: c.createdAt === null ? null : Math.round(c.createdAt),
            })),
          );
        }
        for (const rows of chunks(sortedTemplates, CHUNK)) {
          await tx('adoption_templates').insert(
            rows.map(([ref, version]) => ({ template_ref: ref, version })),
          );
        }
      },
    );
  }

  /**
   * Runs `write` in a transaction when `content` differs from the snapshot last stored under
   * `name`, records the new fingerprint and counts a catalog change; returns whether it wrote.
   * On PostgreSQL the state row is locked, so replicas replacing the same snapshot at once take
   * turns and the second one finds the first one's fingerprint.
   */
  private async replaceSnapshot(
    name: 'catalog_snapshot' | 'first_deploys',
    content: unknown,
    write: (tx: Knex.Transaction) => Promise<void>,
  ): Promise<boolean> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(content))
      .digest('hex');
    return this.db.transaction(async tx => {
      const query = tx('adoption_state').where({ name });
      const row = await (this.isPostgres ? query.forUpdate() : query).first();
      if (row?.fingerprint === fingerprint) return false;
      await write(tx);
      await tx('adoption_state')
        .insert({ name, value: 1, fingerprint })
        .onConflict('name')
        .merge({ fingerprint, value: tx.raw('adoption_state.value + 1') });
      await this.bumpCatalogVersion(tx);
      return true;
    });
  }

  private async bumpCatalogVersion(tx: Knex.Transaction) {
    await tx('adoption_state')
      .where({ name: 'catalog_version' })
      .increment('value', 1);
  }

  async listComponents(): Promise<ComponentRecord[]> {
    const rows = await this.db('adoption_components').select('*');
    return rows.map((r: any) => ({
      entityRef: r.entity_ref,
      owner: r.owner,
      templateRef: r.template_ref,
      templateVersion: r.template_version,
      createdAt: numOrNull(r.created_at),
    }));
  }

  async declaredTemplateVersions(): Promise<Map<string, string>> {
    const rows = await this.db('adoption_templates').select('*');
    return new Map(rows.map((r: any) => [r.template_ref, r.version]));
  }

  /** Replaces the first deployments unless they equal the stored ones; returns whether they changed. */
  async replaceFirstDeploys(
    firstDeploys: Map<string, number>,
  ): Promise<boolean> {
    const sorted = [...firstDeploys.entries()]
      .map(([ref, at]): [string, number] => [ref, Math.round(at)])
      .sort((a, b) => compareStrings(a[0], b[0]));
    return this.replaceSnapshot('first_deploys', sorted, async tx => {
      await tx('adoption_first_deploys').delete();
      for (const rows of chunks(sorted, CHUNK)) {
        await tx('adoption_first_deploys').insert(
          rows.map(([ref, at]) => ({ entity_ref: ref, first_deploy_at: at })),
        );
      }
    });
  }

  async firstDeploys(): Promise<Map<string, number>> {
    const rows = await this.db('adoption_first_deploys').select('*');
    return new Map(
      rows.map((r: any) => [r.entity_ref, num(r.first_deploy_at)]),
    );
  }

  // --- tickets ---------------------------------------------------------------------------

  /** Upserts tickets by external id; returns how many were new and how many updated. */
  async upsertTickets(
    tickets: TicketRecord[],
    importedAt: number = Date.now(),
  ): Promise<{ inserted: number; updated: number }> {
    const unique = [
      ...new Map(tickets.map(t => [t.externalId, t])).values(),
    ].sort((a, b) => compareStrings(a.externalId, b.externalId));
    let updated = 0;
    await this.db.transaction(async tx => {
      for (const rows of chunks(unique, CHUNK)) {
        const existing = await tx('adoption_tickets')
          .select('external_id')
          .whereIn(
            'external_id',
            rows.map(r => r.externalId),
          );
        updated += existing.length;
        await tx('adoption_tickets')
          .insert(
            rows.map(t => ({
              external_id: t.externalId,
              category: t.category,
              team: t.team,
              opened_at: Math.round(t.openedAt),
              resolved_at:
                t.resolvedAt === null ? null : Math.round(t.resolvedAt),
              imported_at: Math.round(importedAt),
            })),
          )
          .onConflict('external_id')
          .merge();
      }
    });
    return { inserted: unique.length - updated, updated };
  }

  async listTickets(window: Window): Promise<TicketRecord[]> {
    const rows = await this.db('adoption_tickets')
      .select('*')
      .where('opened_at', '>=', window.from)
      .where('opened_at', '<', window.to);
    return rows.map((r: any) => ({
      externalId: r.external_id,
      category: r.category,
      team: r.team,
      openedAt: num(r.opened_at),
      resolvedAt: numOrNull(r.resolved_at),
    }));
  }

  // --- analytics rollups -----------------------------------------------------------------

  async recordUsage(batch: UsageBatch): Promise<void> {
    const views = [...batch.views].sort(
      (a, b) => a.day - b.day || compareStrings(a.pluginId, b.pluginId),
    );
    const users = [...batch.users].sort(
      (a, b) => a.week - b.week || compareStrings(a.userKey, b.userKey),
    );
    await this.db.transaction(async tx => {
      for (const rows of chunks(views, CHUNK)) {
        await tx('adoption_usage_views')
          .insert(
            rows.map(v => ({
              day: v.day,
              week: weekStart(v.day),
              plugin_id: v.pluginId,
              views: v.views,
            })),
          )
          .onConflict(['day', 'plugin_id'])
          .merge({
            views: tx.raw('adoption_usage_views.views + excluded.views'),
          });
      }
      for (const rows of chunks(users, CHUNK)) {
        await tx('adoption_usage_users')
          .insert(rows.map(u => ({ week: u.week, user_key: u.userKey })))
          .onConflict(['week', 'user_key'])
          .ignore();
      }
    });
  }

  async usageRollups(window: Window): Promise<UsageRollups> {
    const firstWeek = weekStart(window.from);
    const [users, weeks, plugins] = await Promise.all([
      this.db('adoption_usage_users')
        .select('week')
        .count({ count: '*' })
        .where('week', '>=', firstWeek)
        .where('week', '<', window.to)
        .groupBy('week'),
      this.db('adoption_usage_views')
        .select('week')
        .sum({ views: 'views' })
        .where('week', '>=', firstWeek)
        .where('week', '<', window.to)
        .groupBy('week'),
      this.db('adoption_usage_views')
        .select('plugin_id')
        .sum({ views: 'views' })
        .where('day', '>=', window.from)
        .where('day', '<', window.to)
        .groupBy('plugin_id'),
    ]);
    return {
      activeUsersByWeek: new Map(
        users.map((r: any) => [num(r.week), num(r.count)]),
      ),
      pageViewsByWeek: new Map(
        weeks.map((r: any) => [num(r.week), num(r.views)]),
      ),
      pageViewsByPlugin: new Map(
        plugins.map((r: any) => [r.plugin_id, num(r.views)]),
      ),
    };
  }

  // --- NPS -------------------------------------------------------------------------------

  /** When the user last answered or dismissed the survey. */
  async npsPrompt(
    userKey: string,
  ): Promise<
    { answeredAt: number | null; dismissedAt: number | null } | undefined
  > {
    const row = await this.db('adoption_nps_prompts')
      .where({ user_key: userKey })
      .first();
    return row
      ? {
          answeredAt: numOrNull(row.answered_at),
          dismissedAt: numOrNull(row.dismissed_at),
        }
      : undefined;
  }

  /**
   * Records an answer unless the user answered since `notBefore`: the claim on the prompt row
   * and the answer share a transaction, so two replicas cannot both accept one user's answer.
   */
  async recordNpsAnswer(options: {
    userKey: string;
    storeUserKey: boolean;
    score: number;
    comment: string | null;
    /** When the user answered: the prompt row's time. */
    now: number;
    /** The answer row's time; anonymous answers keep less than `now` (see anonymousAnswerTime). */
    answeredAt?: number;
    notBefore: number;
  }): Promise<void> {
    const { userKey, now, notBefore } = options;
    try {
      await this.db.transaction(async tx => {
        const claimed = await tx('adoption_nps_prompts')
          .where({ user_key: userKey })
          .where(q =>
            q.whereNull('answered_at').orWhere('answered_at', '<', notBefore),
          )
          .update({ answered_at: now });
        if (claimed === 0) {
          // No row yet (insert conflicts if another request got there first), or answered.
          const existing = await tx('adoption_nps_prompts')
            .where({ user_key: userKey })
            .first();
          if (existing) {
            throw new ConflictError(
              'You have already answered the survey in this period',
            );
          }
          await tx('adoption_nps_prompts').insert({
            user_key: userKey,
            answered_at: now,
          });
        }
        await tx('adoption_nps_answers').insert({
          user_key: options.storeUserKey ? userKey : null,
          score: options.score,
          comment: options.comment,
          answered_at: options.answeredAt ?? now,
        });
      });
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        throw new ConflictError(
          'You have already answered the survey in this period',
        );
      }
      throw error;
    }
  }

  async dismissNps(userKey: string, now: number): Promise<void> {
    await this.db('adoption_nps_prompts')
      .insert({ user_key: userKey, dismissed_at: now })
      .onConflict('user_key')
      .merge({ dismissed_at: now });
  }

  async listNpsAnswers(window: Window): Promise<NpsAnswerRecord[]> {
    const rows = await this.db('adoption_nps_answers')
      .select('score', 'answered_at')
      .where('answered_at', '>=', window.from)
      .where('answered_at', '<', window.to);
    return rows.map((r: any) => ({
      score: num(r.score),
      answeredAt: num(r.answered_at),
    }));
  }

  /** Inserts answers as they are (demo seeding, benchmarks). */
  async insertNpsAnswers(
    answers: Array<NpsAnswerRecord & { comment?: string }>,
  ) {
    for (const rows of chunks(answers, CHUNK)) {
      await this.db('adoption_nps_answers').insert(
        rows.map(a => ({
          user_key: null,
          score: a.score,
          comment: a.comment ?? null,
          answered_at: Math.round(a.answeredAt),
        })),
      );
    }
  }

  // --- stored summaries ------------------------------------------------------------------

  /**
   * Both versions in one read: `dataVersion` (writes that must show at once: events, tickets,
   * analytics, NPS answers, seeding) and `catalogVersion` (components, declared template versions,
   * first deploys, provenance events).
   */
  async versions(): Promise<{ dataVersion: number; catalogVersion: number }> {
    const rows = await this.db('adoption_state')
      .select('name', 'value')
      .whereIn('name', ['data_version', 'catalog_version']);
    const value = (name: string) => {
      const row = rows.find((r: any) => r.name === name);
      return row ? num(row.value) : 0;
    };
    return {
      dataVersion: value('data_version'),
      catalogVersion: value('catalog_version'),
    };
  }

  async bumpDataVersion(): Promise<void> {
    await this.db('adoption_state')
      .where({ name: 'data_version' })
      .increment('value', 1);
  }

  async storedSummary(windowDays: number): Promise<
    | {
        computedAt: number;
        dataVersion: number;
        catalogVersion: number;
        body: string;
      }
    | undefined
  > {
    const row = await this.db('adoption_summaries')
      .where({ window_days: windowDays })
      .first();
    return row
      ? {
          computedAt: num(row.computed_at),
          dataVersion: num(row.data_version),
          catalogVersion: num(row.catalog_version),
          body: row.body,
        }
      : undefined;
  }

  async storeSummary(options: {
    windowDays: number;
    computedAt: number;
    dataVersion: number;
    catalogVersion: number;
    body: string;
  }): Promise<void> {
    await this.db('adoption_summaries')
      .insert({
        window_days: options.windowDays,
        computed_at: options.computedAt,
        data_version: options.dataVersion,
        catalog_version: options.catalogVersion,
        body: options.body,
      })
      .onConflict('window_days')
      .merge();
  }

  // --- housekeeping ----------------------------------------------------------------------

  /** Row counts per table (tests, demo seeding). */
  async counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of [
      'adoption_events',
      'adoption_template_runs',
      'adoption_tickets',
      'adoption_usage_views',
      'adoption_nps_answers',
    ]) {
      const [{ count }] = await this.db(table).count({ count: '*' });
      result[table] = num(count);
    }
    return result;
  }

  /**
   * Claims a one-off marker; true for exactly one caller across all replicas. The insert and the
   * work it guards share the transaction, so a failed job releases the marker.
   */
  async runOnce(
    name: string,
    job: (tx: AdoptionStore) => Promise<void>,
  ): Promise<boolean> {
    try {
      await this.db.transaction(async tx => {
        await tx('adoption_markers').insert({ name, created_at: Date.now() });
        await job(new AdoptionStore(tx));
      });
      return true;
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        return false;
      }
      throw error;
    }
  }
}
