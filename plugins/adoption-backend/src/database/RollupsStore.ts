import {
  AdoptionEventRecord,
  PortalRequestFacts,
  TemplateRunFacts,
  Window,
} from '../domain';
import { RunRollupFields } from './TemplateRunsStore';

/**
 * Daily and weekly counts kept beside the raw rows (`adoption_request_days`,
 * `adoption_request_ready_days`, `adoption_run_days`, `adoption_run_duration_weeks`), so facts
 * over long windows read a few rows per day instead of every event and run.
 */
export interface RollupsStore {
  /**
   * Serialises rollup writers until the transaction ends: on PostgreSQL across replicas; SQLite
   * writes are serial anyway. Call it inside a transaction, before reading what the rollups
   * will count.
   */
  lock(): Promise<void>;

  /** Counts the portal requests newly stored events stand for. */
  addPortalRequests(events: AdoptionEventRecord[]): Promise<void>;

  /** Moves the run rollups from the `replaced` rows to the `written` ones. */
  replaceRuns(
    replaced: RunRollupFields[],
    written: RunRollupFields[],
  ): Promise<void>;

  /** Portal request facts of whole days. */
  portalRequestFacts(days: Window): Promise<PortalRequestFacts>;

  /** Run counts of whole days. */
  runCounts(days: Window): Promise<TemplateRunFacts>;

  /** Successful runs' duration histograms of whole weeks. */
  runDurations(weeks: Window): Promise<TemplateRunFacts>;
}
