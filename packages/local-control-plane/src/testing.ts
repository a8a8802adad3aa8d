import { DEFAULT_ADMIN_TOKEN, PORTAL_SERVICE_ACCOUNT_USER } from './defaults';
import {
  LocalControlPlane,
  startLocalControlPlane,
} from './startLocalControlPlane';

/**
 * The token of the portal's service account on a test control plane.
 *
 * @public
 */
export const TEST_PORTAL_TOKEN = 'test-portal';

/**
 * Starts a local control plane for a test: the Kubernetes API only (no reconciler, no PostgreSQL)
 * on a free port. `TEST_PORTAL_TOKEN` signs in as the portal's service account, with the RBAC the
 * portal has in a real cluster; `DEFAULT_ADMIN_TOKEN` as a cluster admin, for tests that play
 * Crossplane. Stop it with `stop()`.
 *
 * @public
 */
export function startTestControlPlane(): Promise<LocalControlPlane> {
  return startLocalControlPlane({
    port: 0,
    postgres: false,
    tokens: [
      { token: TEST_PORTAL_TOKEN, user: PORTAL_SERVICE_ACCOUNT_USER },
      { token: DEFAULT_ADMIN_TOKEN, user: 'admin', groups: ['system:masters'] },
    ],
  });
}

/**
 * How to reach a test control plane as the portal does in production: over HTTPS, trusting the
 * plane's own CA (the shape of the crossplane plugin's `crossplane.cluster` config).
 *
 * @public
 */
export function testClusterConfig(
  plane: LocalControlPlane,
  token: string = TEST_PORTAL_TOKEN,
): { url: string; token: string; caData: string } {
  return {
    url: plane.httpsUrl,
    token,
    caData: Buffer.from(plane.caCertificate).toString('base64'),
  };
}
