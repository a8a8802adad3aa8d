/** A computed summary as stored, with the versions of the data it was computed from. */
export interface StoredSummary {
  windowDays: number;
  computedAt: number;
  dataVersion: number;
  catalogVersion: number;
  /** The summary, serialised. */
  body: string;
}

/** The last computed summary per window (`adoption_summaries`). */
export interface SummariesStore {
  storedSummary(windowDays: number): Promise<StoredSummary | undefined>;

  /** Stores the summary of its window, replacing the one stored. */
  storeSummary(summary: StoredSummary): Promise<void>;
}
