/**
 * The token app-config.yaml gives the portal for the local cluster.
 *
 * @public
 */
export const DEFAULT_PORTAL_TOKEN = 'local-control-plane-portal';
/**
 * A cluster-admin token for people and kubectl on a developer machine.
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
