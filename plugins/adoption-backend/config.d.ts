export interface Config {
  /** Adoption dashboards (`@internal/plugin-adoption-backend`). */
  adoption?: {
    /**
     * Seed demo adoption data (template runs, portal requests, tickets, usage, NPS) consistent
     * with the DORA demo history, once, at startup. For local development only.
     */
    demoData?: boolean;
    /** Targets shown against the measures. */
    targets?: {
      /** Share of components created from a golden-path template. Default 0.8. */
      goldenPathCoverage?: number;
      /** Hours from repository creation to first production deploy. Default 24. */
      timeToFirstDeployHours?: number;
      /** Share of infrastructure requests fulfilled without a ticket. Default 0.9. */
      noTicketShare?: number;
    };
    /** The scheduled collectors (scaffolder task history, catalog and DORA snapshots). */
    collector?: {
      /** Minutes between runs. Default 5. */
      frequencyMinutes?: number;
      /** Scaffolder tasks read per run at most. Default 2000. */
      maxTasksPerRun?: number;
    };
    /** Portal usage analytics sent by the frontend's analytics implementation. */
    analytics?: {
      /**
       * `hash` (default): users are counted by an HMAC of their entity ref with `salt`;
       * `drop`: identities are not kept at all (no active-user counts).
       */
      identity?: 'hash' | 'drop';
      /**
       * Salt of the identity hash; required with `identity: hash`, at least 16 characters.
       * @visibility secret
       */
      salt?: string;
    };
    /** The in-portal platform NPS survey. */
    nps?: {
      /** Show the survey to a user at most once per this many days. Default 90. */
      periodDays?: number;
      /** Store answers without any user key. Default true. */
      anonymous?: boolean;
    };
    /** Assumptions of the ROI estimate, returned with the figure. */
    roi?: {
      /** Currency of the amounts. Default EUR. */
      currency?: string;
      /** Loaded cost of an engineering hour. Default 95. */
      loadedHourlyCost?: number;
      /** Yearly cost of the platform (team and infrastructure). Default 600000. */
      platformCostPerYear?: number;
      /** Share of a request's waiting time that costs engineering time. Default 0.25. */
      waitCostShare?: number;
      /** Hours of manual setup one golden-path run replaces. Default 8. */
      setupHoursPerGoldenPathRun?: number;
    };
  };
}
