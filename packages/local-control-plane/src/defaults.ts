/**
 * A portal token for tests that start their own control plane in-process. The command line never
 * uses it: `./portal start` gets tokens generated per data folder (localTokens.ts).
 *
 * @public
 */
export const DEFAULT_PORTAL_TOKEN = 'local-control-plane-portal';
/**
 * A cluster-admin token for tests that start their own control plane in-process (as above).
 *
 * @public
 */
export const DEFAULT_ADMIN_TOKEN = 'local-control-plane-admin';
/**
 * The portal's service account (crossplane/rbac binds it in each team namespace).
 *
 * @public
 */
export const PORTAL_SERVICE_ACCOUNT_USER =
  'system:serviceaccount:backstage:portal';
/**
 * The Kubernetes tab's own read-only service account (crossplane/rbac binds it per team namespace).
 *
 * @public
 */
export const KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER =
  'system:serviceaccount:backstage:portal-kubernetes-plugin';
