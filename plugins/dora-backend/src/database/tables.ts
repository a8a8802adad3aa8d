/** The raw event tables, by event type. */
export const TABLES = {
  deployment: 'dora_deployments',
  change: 'dora_changes',
  incident: 'dora_incidents',
  rollback: 'dora_rollbacks',
} as const;

/** The tables derived from the raw events (rebuilt from them at any time). */
export const FACT_TABLES = {
  facts: 'dora_deployment_facts',
  rollups: 'dora_daily_rollups',
  weekly: 'dora_weekly_rollups',
  unlinked: 'dora_unlinked_incidents',
} as const;

/** One row per SHA a deployment reports (migration 20261122020000). */
export const DEPLOYMENT_SHAS = 'dora_deployment_shas';

/** Bulk backfill bookkeeping (migration 20261205010000). */
export const BACKFILL = {
  jobs: 'dora_backfill_jobs',
  services: 'dora_backfill_services',
} as const;

/** One-off markers (derived tables built, demo data seeded), claimed by insert. */
export const MARKERS = 'dora_markers';
