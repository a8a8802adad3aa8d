export interface Config {
  /** Self-service PostgreSQL through Crossplane (`@internal/plugin-crossplane-*`). */
  crossplane?: {
    /** The Kubernetes cluster where Crossplane runs and the PostgreSQLInstance XRs are written. */
    cluster: {
      /** API server URL, e.g. https://kubernetes.example.com or http://127.0.0.1:6443 locally. */
      url: string;
      /**
       * Bearer token of the portal's service account.
       * @visibility secret
       */
      token: string;
      /** Base64-encoded PEM of the cluster's CA. */
      caData?: string;
      /** Skip TLS verification (local development only). */
      skipTLSVerify?: boolean;
    };
    /** Backstage team name (e.g. payments) to the Kubernetes namespace its databases live in. */
    teamNamespaces: { [team: string]: string };
    /**
     * The class of service each environment gets: the `platform.fernhill.io/provider` label of the
     * Composition the portal selects (written as `spec.crossplane.compositionSelector`).
     * `shared-server`: a database and role on the shared PostgreSQL server, a size is a connection
     * limit. `aws-rds`: a dedicated Amazon RDS instance, a size is an instance class. An environment
     * left out gets `shared-server` (the XRD's default Composition).
     */
    compositionByEnvironment?: {
      dev?: 'shared-server' | 'aws-rds';
      staging?: 'shared-server' | 'aws-rds';
      prod?: 'shared-server' | 'aws-rds';
    };
    /**
     * Service principals that may request databases through `POST /api/crossplane/postgres`, by
     * subject: `plugin:<pluginId>` for another backend plugin, or the `subject` of an entry in
     * `backend.auth.externalAccess`. Empty by default: only users may. The scaffolder action acts
     * with the task initiator's user credentials and needs no entry.
     */
    serviceCallers?: string[];
  };
}
