import { dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import {
  AdoptionEventRecord,
  DAY_MS,
  DURATION_EXACT_BELOW_SECONDS,
} from '../domain';

/**
 * Row shapes of the adoption tables and the helpers every store shares. Epoch-millisecond columns
 * are `bigint`: PostgreSQL returns them as strings and SQLite as numbers, so they are read as
 * {@link DbInt} and converted with `dbNumber` / `dbNumberOrNull` of `@internal/plugin-portal-node`.
 */

/** A bigint (or an aggregate of one) as the database driver returns it. */
export type DbInt = number | string;

/** `adoption_events` */
export interface EventRow {
  id: string;
  type: AdoptionEventRecord['type'];
  occurred_at: DbInt;
  template_ref: string | null;
  template_version: string | null;
  task_id: string | null;
  entity_ref: string | null;
  owner: string | null;
  kind: string | null;
  requested_at: DbInt | null;
  ready_at: DbInt | null;
  status: AdoptionEventRecord['status'];
  duration_ms: DbInt | null;
  received_at: DbInt;
  /** When the request was made: `coalesce(requested_at, occurred_at)`, indexed. */
  request_at: DbInt;
  /** Whether the collected task history holds this event's task. */
  history_run: boolean | number;
}

/** `adoption_template_runs` */
export interface TemplateRunRow {
  task_id: string;
  template_ref: string;
  template_version: string | null;
  status: string;
  created_at: DbInt;
  finished_at: DbInt | null;
  duration_ms: DbInt | null;
  failed_step: string | null;
  error_message: string | null;
}

/** `adoption_components` */
export interface ComponentRow {
  entity_ref: string;
  owner: string | null;
  template_ref: string | null;
  template_version: string | null;
  created_at: DbInt | null;
}

/** `adoption_templates` */
export interface TemplateVersionRow {
  template_ref: string;
  version: string;
}

/** `adoption_first_deploys` */
export interface FirstDeployRow {
  entity_ref: string;
  first_deploy_at: DbInt;
}

/** `adoption_tickets` */
export interface TicketRow {
  external_id: string;
  category: string;
  team: string | null;
  opened_at: DbInt;
  resolved_at: DbInt | null;
  imported_at: DbInt;
}

/** `adoption_nps_prompts` */
export interface NpsPromptRow {
  user_key: string;
  answered_at: DbInt | null;
  dismissed_at: DbInt | null;
}

/** `adoption_nps_answers` */
export interface NpsAnswerRow {
  id?: DbInt;
  /** Null when answers are anonymous. */
  user_key: string | null;
  score: DbInt;
  comment: string | null;
  answered_at: DbInt;
}

/** `adoption_summaries` */
export interface SummaryRow {
  window_days: DbInt;
  computed_at: DbInt;
  data_version: DbInt;
  catalog_version: DbInt;
  body: string;
}

/** `adoption_state`: named counters, and the fingerprints of the snapshots last stored. */
export interface StateRow {
  name: string;
  value: DbInt;
  fingerprint: string | null;
}

/** The result row of a `count({ count: '*' })` or `sum({ count: ... })`. */
export interface CountRow {
  count: DbInt;
}

/** Rows per INSERT, well under SQLite's bound-parameter limit. */
export const CHUNK = 200;

export const roundOrNull = (value: number | null): number | null =>
  value === null ? null : Math.round(value);

/** Start (UTC midnight) of the day of `ms`, as the rollups and `(t / DAY) * DAY` in SQL key it. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

export const isPostgres = (db: Knex): boolean =>
  /pg|postgres/.test(String(db.client.config.client));

/** `durationBucketSeconds` in SQL (integer division on both databases). */
export function durationBucketSql(seconds: string): string {
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

/** A stored event row as the domain's record. */
export function eventFromRow(r: EventRow): AdoptionEventRecord {
  return {
    id: r.id,
    type: r.type,
    occurredAt: dbNumber(r.occurred_at),
    templateRef: r.template_ref,
    templateVersion: r.template_version,
    taskId: r.task_id,
    entityRef: r.entity_ref,
    owner: r.owner,
    kind: r.kind,
    requestedAt: dbNumberOrNull(r.requested_at),
    readyAt: dbNumberOrNull(r.ready_at),
    status: r.status,
    durationMs: dbNumberOrNull(r.duration_ms),
  };
}

/** A new event as its row, with the derived request time and history flag. */
export function eventToRow(
  e: AdoptionEventRecord,
  receivedAt: number,
  historyRun: boolean,
): EventRow {
  return {
    id: e.id,
    type: e.type,
    occurred_at: Math.round(e.occurredAt),
    template_ref: e.templateRef,
    template_version: e.templateVersion,
    task_id: e.taskId,
    entity_ref: e.entityRef,
    owner: e.owner,
    kind: e.kind,
    requested_at: roundOrNull(e.requestedAt),
    ready_at: roundOrNull(e.readyAt),
    status: e.status,
    duration_ms: roundOrNull(e.durationMs),
    received_at: Math.round(receivedAt),
    request_at: Math.round(e.requestedAt ?? e.occurredAt),
    history_run: historyRun,
  };
}

/**
 * The rows of an aggregate query, typed by what it selects. Knex types the result of `count` and
 * `sum` as the aggregate column alone, and optional; `T` names the grouped columns as well.
 */
export async function aggregateRows<T>(
  query: PromiseLike<unknown>,
): Promise<T[]> {
  return (await query) as T[];
}
