/** Snapshots whose content is fingerprinted, so an unchanged one is not written again. */
export type SnapshotName = 'catalog_snapshot' | 'first_deploys';

/**
 * The plugin's bookkeeping (`adoption_state`): the two versions stored summaries are keyed on and
 * the fingerprints of the snapshots last stored. One-off markers (`adoption_markers`) are written
 * by `runOnce` of `@internal/plugin-portal-node`.
 */
export interface StateStore {
  /**
   * `dataVersion` counts writes that must show at once (events, tickets, analytics, NPS answers,
   * seeding); `catalogVersion` counts catalog changes (components, declared template versions,
   * first deploys, provenance events).
   */
  versions(): Promise<{ dataVersion: number; catalogVersion: number }>;

  bumpDataVersion(): Promise<void>;

  bumpCatalogVersion(): Promise<void>;

  /**
   * The fingerprint of the snapshot last stored under `name`. On PostgreSQL the row is locked
   * until the transaction ends, so replicas replacing the same snapshot take turns.
   */
  lockSnapshotFingerprint(name: SnapshotName): Promise<string | undefined>;

  /** Records the fingerprint of the snapshot just stored under `name`. */
  recordSnapshotFingerprint(
    name: SnapshotName,
    fingerprint: string,
  ): Promise<void>;
}
