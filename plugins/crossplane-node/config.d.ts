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
  };
}
