import { AdoptionEventRecord, PortalRequestFacts, Window } from '../domain';

/** The adoption events (`adoption_events`): template-run and self-service events, by id. */
export interface EventsStore {
  /** Which of the given ids no stored event has. */
  unknownIds(ids: string[]): Promise<Set<string>>;

  /**
   * Inserts events (ids known to be new; a repeated id is ignored). `historyTaskIds` are the
   * tasks the collected task history already holds.
   */
  insert(
    events: AdoptionEventRecord[],
    options: { receivedAt: number; historyTaskIds: Set<string> },
  ): Promise<void>;

  /** Marks the template-run events of these tasks as held by the collected task history. */
  markHistoryRuns(taskIds: string[]): Promise<void>;

  /**
   * Events that occurred in the window, plus every successful template-run event naming an entity
   * (the provenance of components created before their annotations existed).
   */
  listEvents(window: Window): Promise<AdoptionEventRecord[]>;

  /**
   * Successful template-run events naming an entity: provenance, whenever they occurred. The
   * same rule as `isProvenanceEvent`, whose new events count as a catalog change.
   */
  listProvenanceEvents(): Promise<AdoptionEventRecord[]>;

  /**
   * Portal requests made in the window, aggregated from the events the way `portalRequestsOf`
   * and `portalRequestFactsOf` do: every self-service event and every template run that did not
   * fail; requested at `requestedAt` (else the event time); Ready at `readyAt`, else request
   * plus duration, else the event time of a completed one.
   */
  portalRequestFacts(window: Window): Promise<PortalRequestFacts>;

  /** Template-run events in the window whose task the collected history does not hold. */
  eventOnlyRunEvents(window: Window): Promise<AdoptionEventRecord[]>;

  count(): Promise<number>;
}
