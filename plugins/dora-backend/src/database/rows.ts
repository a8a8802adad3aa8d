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
