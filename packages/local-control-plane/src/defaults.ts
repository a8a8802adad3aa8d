/**
 * A portal token for tests that start their own control plane in-process. The command line never
 * uses it: `./portal start` gets tokens generated per data folder (localTokens.ts).
 */
export const DEFAULT_PORTAL_TOKEN = 'local-control-plane-portal';
/** A cluster-admin token for tests that start their own control plane in-process (as above). */
export const DEFAULT_ADMIN_TOKEN = 'local-control-plane-admin';
/** The portal's service account (crossplane/rbac binds it in each team namespace). */
export const PORTAL_SERVICE_ACCOUNT_USER =
  'system:serviceaccount:backstage:portal';
/** The Kubernetes tab's own read-only service account (crossplane/rbac binds it per team namespace). */
export const KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER =
  'system:serviceaccount:backstage:portal-kubernetes-plugin';
