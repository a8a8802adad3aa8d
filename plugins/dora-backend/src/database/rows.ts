import {
  DoraDeploymentKind,
  DoraDeploymentStatus,
  DoraServiceKeyType,
} from '@internal/plugin-dora-common';

/**
 * Column lists of the raw event tables, shared by the ingest reads and the derivation so both
 * select the same rows.
 */

/** The columns that say which service a raw row belongs to (`serviceOf`). */
export const SERVICE_COLUMNS = [
  'entity_ref',
  'service_key_type',
  'service_key',
];

/** The columns of a raw deployment the derivation reads. */
export const DEPLOYMENT_COLUMNS = [
  'id',
  'external_id',
  'stream',
  'kind',
  'commit_sha',
  'commits',
  'started_at',
  'finished_at',
];

/** The columns of a raw change the derivation reads (time and where it entered the branch). */
export const CHANGE_COLUMNS = [
  'sha',
  'committed_at',
  'pushed_before',
  'pushed_head',
  'pushed_index',
];

/** {@link CHANGE_COLUMNS} and the columns that say which service a change belongs to (`serviceOf`). */
export const CHANGE_WITH_SERVICE_COLUMNS = [
  ...CHANGE_COLUMNS,
  ...SERVICE_COLUMNS,
];

/** The columns of a raw incident the derivation reads. */
export const INCIDENT_COLUMNS = [
  'external_id',
  'opened_at',
  'resolved_at',
  'cause_deployment_id',
  'cause_commit_sha',
];

/** The columns of a raw rollback the derivation reads. */
export const ROLLBACK_COLUMNS = [
  'external_id',
  'rolled_back_deployment_id',
  'rollback_deployment_id',
  'at',
];

/**
 * A bigint or integer column as the drivers return it: PostgreSQL's driver returns bigints and
 * counts as strings, SQLite numbers (read them with `dbNumber`).
 */
export type DbNumber = number | string;

/** A boolean column as the drivers return it (SQLite stores 0 and 1). */
export type DbBoolean = boolean | number;

/** The columns that say which service a raw row belongs to ({@link SERVICE_COLUMNS}). */
export interface ServiceKeyRow {
  entity_ref: string | null;
  service_key_type: DoraServiceKeyType;
  service_key: string;
}

/** The columns every raw event row has. */
export interface EventRowBase extends ServiceKeyRow {
  source: string;
  external_id: string;
  received_at: DbNumber;
}

/** A row of `dora_deployments`. */
export interface DeploymentRow extends EventRowBase {
  id: DbNumber;
  environment: string;
  stream: string;
  production: DbBoolean;
  status: DoraDeploymentStatus;
  status_rank: number;
  kind: DoraDeploymentKind;
  version: string | null;
  commit_sha: string | null;
  /** JSON array of SHAs, null when not reported. */
  commits: string | null;
  started_at: DbNumber;
  finished_at: DbNumber | null;
}

/** A row of `dora_changes`. */
export interface ChangeRow extends EventRowBase {
  sha: string;
  authored_at: DbNumber | null;
  committed_at: DbNumber;
  pr_number: number | null;
  pr_url: string | null;
  pushed_before: string | null;
  pushed_head: string | null;
  pushed_index: DbNumber | null;
}

/** A row of `dora_incidents`. */
export interface IncidentRow extends EventRowBase {
  title: string | null;
  severity: string | null;
  opened_at: DbNumber;
  resolved_at: DbNumber | null;
  cause_deployment_id: string | null;
  cause_commit_sha: string | null;
}

/** A row of `dora_rollbacks`. */
export interface RollbackRow extends EventRowBase {
  environment: string;
  stream: string;
  rolled_back_deployment_id: string;
  rollback_deployment_id: string | null;
  at: DbNumber;
}

/** A raw deployment as the derivation reads it ({@link DEPLOYMENT_COLUMNS}). */
export type DeploymentColumnsRow = Pick<
  DeploymentRow,
  | 'id'
  | 'external_id'
  | 'stream'
  | 'kind'
  | 'commit_sha'
  | 'commits'
  | 'started_at'
  | 'finished_at'
>;

/** A raw change as the derivation reads it ({@link CHANGE_COLUMNS}). */
export type ChangeColumnsRow = Pick<
  ChangeRow,
  'sha' | 'committed_at' | 'pushed_before' | 'pushed_head' | 'pushed_index'
>;

/** A raw change with its service ({@link CHANGE_WITH_SERVICE_COLUMNS}). */
export type ChangeWithServiceRow = ChangeColumnsRow & ServiceKeyRow;

/** A raw incident as the derivation reads it ({@link INCIDENT_COLUMNS}). */
export type IncidentColumnsRow = Pick<
  IncidentRow,
  | 'external_id'
  | 'opened_at'
  | 'resolved_at'
  | 'cause_deployment_id'
  | 'cause_commit_sha'
>;

/** A raw incident with its service ({@link INCIDENT_COLUMNS} and {@link SERVICE_COLUMNS}). */
export type IncidentWithServiceRow = IncidentColumnsRow & ServiceKeyRow;

/** A raw rollback as the derivation reads it ({@link ROLLBACK_COLUMNS}). */
export type RollbackColumnsRow = Pick<
  RollbackRow,
  'external_id' | 'rolled_back_deployment_id' | 'rollback_deployment_id' | 'at'
>;

/** A row of `dora_deployment_shas` (one per SHA a deployment reports). */
export interface DeploymentShaRow {
  deployment_id: DbNumber;
  sha: string;
}

/** A row of `dora_deployment_facts`. */
export interface FactRow {
  service: string;
  deployment_id: string;
  stream: string;
  finished_at: DbNumber;
  day: DbNumber;
  rework: DbBoolean;
  inferred: DbBoolean;
  failed: DbBoolean;
  repeat_rollout: DbBoolean;
  release_failure: DbBoolean;
  repaired_by_fix: DbBoolean;
  failed_via_fallback: DbBoolean;
  rolled_back: DbBoolean;
  linked_incidents: DbNumber;
  rollbacks: DbNumber;
  failure_start: DbNumber | null;
  recovered_at: DbNumber | null;
  commits: DbNumber;
  commits_without_time: DbNumber;
  /** JSON array of lead times in milliseconds. */
  lead_times_ms: string;
}

/** A row of `dora_daily_rollups` or `dora_weekly_rollups` (only weekly ones have deployment days). */
export interface RollupRow {
  service: string;
  stream: string;
  day: DbNumber;
  deployments: DbNumber;
  releases: DbNumber;
  release_rework: DbNumber;
  release_failures: DbNumber;
  repaired_by_fix: DbNumber;
  rework: DbNumber;
  inferred: DbNumber;
  failed: DbNumber;
  failed_via_fallback: DbNumber;
  rolled_back: DbNumber;
  linked_incidents: DbNumber;
  rollbacks: DbNumber;
  recovered: DbNumber;
  unrecovered: DbNumber;
  commits: DbNumber;
  commits_without_time: DbNumber;
  lead_time_histogram: string;
  recovery_histogram: string;
  deployment_days?: string;
}

/** A row of `dora_backfill_jobs`. */
export interface BackfillJobRow {
  id: string;
  source: string;
  status: string;
  lines: DbNumber;
  events: DbNumber;
  error: string | null;
  created_at: DbNumber;
  updated_at: DbNumber;
}
