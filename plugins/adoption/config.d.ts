export interface Config {
  /** Adoption dashboards (`@internal/plugin-adoption`). */
  adoption?: {
    nps?: {
      /**
       * Seconds a page must stay open before the NPS survey prompt appears (when it is due).
       * Default 120.
       * @visibility frontend
       */
      promptDelaySeconds?: number;
    };
  };
}
