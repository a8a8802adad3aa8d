import {
  DEFAULT_ADMIN_TOKEN,
  startTestControlPlane,
  testClusterConfig,
} from '@internal/local-control-plane';

/** A real local control plane (API only, no reconciler): tests play Crossplane through the admin. */
export async function startControlPlane() {
  const plane = await startTestControlPlane();

  const admin = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${plane.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`,
        'content-type':
          init.method === 'PATCH'
            ? 'application/merge-patch+json'
            : 'application/json',
      },
    });
    if (!response.ok) {
      throw new Error(
        `${init.method ?? 'GET'} ${path}: ${
          response.status
        } ${await response.text()}`,
      );
    }
    return response.json();
  };
  const xrPath = (namespace: string, name = '') =>
    `/apis/platform.fernhill.io/v1alpha1/namespaces/${namespace}/postgresqlinstances${
      name ? `/${name}` : ''
    }`;

  return {
    plane,
    cluster: testClusterConfig(plane),
    /** Writes an XR as the portal's service would (labels, component annotation). */
    async createXr(
      namespace: string,
      name: string,
      options: { owner: string; component?: string; size?: string } = {
        owner: 'payments',
      },
    ) {
      await admin(xrPath(namespace), {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'platform.fernhill.io/v1alpha1',
          kind: 'PostgreSQLInstance',
          metadata: {
            name,
            namespace,
            labels: { 'platform.fernhill.io/owner': options.owner },
            annotations: options.component
              ? { 'backstage.io/component-ref': options.component }
              : {},
          },
          spec: {
            size: options.size ?? 'small',
            environment: 'staging',
            owner: options.owner,
            connectionSecretName: `${name}-connection`,
          },
        }),
      });
    },
    async setStatus(namespace: string, name: string, status: object) {
      await admin(`${xrPath(namespace, name)}/status`, {
        method: 'PATCH',
        body: JSON.stringify({ status }),
      });
    },
    async deleteXr(namespace: string, name: string) {
      await admin(xrPath(namespace, name), { method: 'DELETE' });
    },
    /** A connection Secret with credentials, as the composition writes it. */
    async createSecret(namespace: string, name: string, password: string) {
      await admin(`/api/v1/namespaces/${namespace}/secrets`, {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace },
          stringData: { password, uri: `postgres://u:${password}@h/db` },
        }),
      });
    },
    stop: () => plane.stop(),
  };
}

export const READY_STATUS = {
  secretName: 'orders-db-connection',
  endpoint: 'postgres.example:5432',
  conditions: [
    { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
    { type: 'Ready', status: 'True', reason: 'Available' },
  ],
};
