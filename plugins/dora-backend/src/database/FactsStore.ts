import { DailyRollup, DeploymentFact } from '../domain';

/**
 * The tables derived from the raw events (deployment facts, daily and weekly rollups, unlinked
 * incidents) as the metrics read them, and their upkeep as a whole. The derivation writes them
 * service by service (`deriveService`).
 */
export interface FactsStore {
  /**
   * Daily rollups of whole days [fromDay, toDay) (or weekly ones, when `weekly`: weeks whose Monday
   * is in the range), optionally for some services and one stream.
   */
  loadRollups(query: {
    services?: string[];
    stream?: string;
    fromDay: number;
    toDay: number;
    weekly?: boolean;
  }): Promise<DailyRollup[]>;

  /** Facts of deployments that finished in [from, to). */
  loadFacts(query: {
    services?: string[];
    stream?: string;
    from: number;
    to: number;
  }): Promise<DeploymentFact[]>;

  /** Incidents opened in [from, to) that no deployment could be linked to, per service. */
  unlinkedIncidentCounts(query: {
    services?: string[];
    from: number;
    to: number;
  }): Promise<Map<string, number>>;

  /** Whether any deployment of the service has been derived. */
  hasFacts(service: string): Promise<boolean>;

  /** Each mapped component's first successful production deployment (finish time). */
  firstDeployments(): Promise<Array<{ entityRef: string; at: number }>>;

  /** Every service with derived facts or unlinked incidents. */
  derivedServices(): Promise<string[]>;

  /** Empties every derived table (before they are all derived again). */
  clearDerived(): Promise<void>;

  /** Whether the derived tables were built under this marker (see `DoraStore.ensureDerived`). */
  hasMarker(name: string): Promise<boolean>;

  /** Drops the markers of earlier builds of the derived tables, all but `current`. */
  dropOtherFactMarkers(current: string): Promise<void>;
}
