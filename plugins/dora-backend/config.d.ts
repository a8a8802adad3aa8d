export interface Config {
  /** DORA metrics (`@internal/plugin-dora-backend`). */
  dora?: {
    /**
     * Seed 90 days of demo history for the demo organisation, only when the store is empty: a
     * task a few seconds after the backend has started (readiness does not wait for it). For
     * local development only.
     */
    demoData?: boolean;
    /** The DORA report whose performance bands are shown. Default 2024. */
    bandYear?: '2023' | '2024';
    /**
     * Deploy environments that count as production (case-insensitive). Default production, prod.
     */
    productionEnvironments?: string[];
    /**
     * How many hours after a deployment an incident without an explicit link may still be
     * attributed to it (labelled as a fallback). Default 24; 0 turns the fallback off.
     */
    incidentFallbackHours?: number;
    /**
     * IANA time zone (such as Europe/Paris) whose midnights start the reporting windows, the same
     * at every scope. Default UTC. Trend weeks and deployment days are UTC days.
     */
    reportingTimeZone?: string;
    /**
     * Sources allowed to post to `POST /api/dora/events`, each with its own bearer token.
     */
    sources?: {
      [name: string]: {
        /**
         * Bearer token of this source.
         * @visibility secret
         */
        token: string;
      };
    };
    /** GitHub webhooks (`POST /api/dora/webhooks/github`). */
    github?: {
      /**
       * The webhook secret (at least 16 characters); deliveries are verified against
       * X-Hub-Signature-256.
       * @visibility secret
       */
      webhookSecret: string;
      /** Git refs whose pushes are recorded as changes. Default: the repository's default branch. */
      branches?: string[];
      /**
       * A token that may read the repositories' contents (a fine-grained token with Contents:
       * read). When set, each successful production deployment asks GitHub's compare API for the
       * commits between the service's previously deployed SHA and its own, so its commits come
       * from ancestry even when pushes were not delivered.
       * @visibility secret
       */
      apiToken?: string;
      /** Base URL of the GitHub REST API (GitHub Enterprise Server: `https://<host>/api/v3`). */
      apiBaseUrl?: string;
    };
    /** GitLab project or group webhooks (`POST /api/dora/webhooks/gitlab`). */
    gitlab?: {
      /**
       * The webhook's secret token (at least 16 characters); GitLab sends it in X-Gitlab-Token.
       * Without it the GitLab route is off.
       * @visibility secret
       */
      secretToken?: string;
      /** Branches whose pushes are recorded as changes. Default: the project's default branch. */
      branches?: string[];
      /**
       * An access token that may read the projects' repositories (`read_api` or
       * `read_repository`). When set, each successful production deployment asks GitLab's
       * compare API for the commits between the service's previously deployed SHA and its own:
       * GitLab's push events list only a push's newest 20 commits, so without it GitLab
       * services' commits go by commit time.
       * @visibility secret
       */
      apiToken?: string;
      /** Base URL of the GitLab REST API (self-managed: `https://<host>/api/v4`). */
      apiBaseUrl?: string;
    };
    /** PagerDuty v3 webhooks (`POST /api/dora/webhooks/pagerduty`). */
    pagerduty?: {
      /**
       * The subscription's signing secret (at least 16 characters); deliveries are verified
       * against X-PagerDuty-Signature.
       * @visibility secret
       */
      webhookSecret: string;
    };
    /** Argo CD notifications (`POST /api/dora/webhooks/argocd`). */
    argocd?: {
      /**
       * Bearer token the notification service sends (at least 16 characters).
       * @visibility secret
       */
      token: string;
    };
  };
}
