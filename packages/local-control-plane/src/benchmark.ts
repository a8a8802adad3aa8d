import type * as K8s from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { PORTAL_SERVICE_ACCOUNT_USER } from './defaults';
import { startLocalControlPlane } from './startLocalControlPlane';

/**
 * What the portal does for a database request, measured against a fresh local control plane with
 * embedded PostgreSQL: server-side apply of an XR through @kubernetes/client-node with the portal's
 * token (RBAC applies), then Ready, then a real connection with the Secret's credentials.
 */

const NAMESPACE = 'team-payments';
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 30);
const CONCURRENT = 20;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

function xr(
  name: string,
  label: string,
): K8s.KubernetesObject & { spec: object } {
  return {
    apiVersion: 'platform.fernhill.io/v1alpha1',
    kind: 'PostgreSQLInstance',
    metadata: { name, namespace: NAMESPACE, labels: { bench: label } },
    spec: {
      size: 'small',
      environment: 'dev',
      owner: 'payments',
      connectionSecretName: `${name}-connection`,
    },
  };
}

async function main() {
  const k8s = await import('@kubernetes/client-node');
  const dataDir = mkdtempSync(join(tmpdir(), 'lcp-bench-'));
  const plane = await startLocalControlPlane({
    port: 0,
    dataDir,
    tokens: [
      { token: 'bench-admin', user: 'admin', groups: ['system:masters'] },
      { token: 'bench-portal', user: PORTAL_SERVICE_ACCOUNT_USER },
    ],
  });
  const config = (token: string) => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(plane.kubeconfig(token));
    return kc;
  };
  const portal = k8s.KubernetesObjectApi.makeApiClient(config('bench-portal'));
  const admin = config('bench-admin');
  const core = admin.makeApiClient(k8s.CoreV1Api);

  // One watch records when each XR turns Ready.
  const readyAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const watch = await new k8s.Watch(admin).watch(
    `/apis/platform.fernhill.io/v1alpha1/namespaces/${NAMESPACE}/postgresqlinstances`,
    {},
    (_phase, obj) => {
      const ready = obj.status?.conditions?.some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      );
      const name = obj.metadata.name;
      if (ready && !readyAt.has(name)) {
        readyAt.set(name, performance.now());
        waiters.get(name)?.();
      }
    },
    () => {},
  );
  const untilReady = (name: string) =>
    readyAt.has(name)
      ? Promise.resolve()
      : new Promise<void>(resolve => waiters.set(name, resolve));
  const apply = (obj: K8s.KubernetesObject) =>
    portal.patch(
      obj,
      undefined,
      undefined,
      'backstage-portal',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  const connect = async (name: string) => {
    const secret = await core.readNamespacedSecret({
      name: `${name}-connection`,
      namespace: NAMESPACE,
    });
    const uri = Buffer.from(secret.data!.uri, 'base64').toString('utf8');
    const client = new Client({ connectionString: uri });
    await client.connect();
    await client.query('select 1');
    await client.end();
  };

  const roundTrips: number[] = [];
  const toReady: number[] = [];
  const toConnected: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const name = `bench-seq-${i}`;
    const t0 = performance.now();
    await apply(xr(name, 'sequential'));
    roundTrips.push(performance.now() - t0);
    await untilReady(name);
    toReady.push(readyAt.get(name)! - t0);
    await connect(name);
    toConnected.push(performance.now() - t0);
  }

  // How many XRs carry a label: duplicates would show up here.
  const countXrs = async (labelSelector: string) =>
    (
      await portal.list(
        'platform.fernhill.io/v1alpha1',
        'PostgreSQLInstance',
        NAMESPACE,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      )
    ).items.length;

  // 20 identical requests at once (a double-clicked form, retries): one XR.
  const same = xr('bench-same', 'same');
  const t1 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENT }, () => apply(same)));
  await untilReady('bench-same');
  await connect('bench-same');
  const identicalTotal = performance.now() - t1;
  const identicalCount = await countXrs('bench=same');

  // 20 different requests at once: 20 databases.
  const t2 = performance.now();
  const names = Array.from({ length: CONCURRENT }, (_, i) => `bench-par-${i}`);
  await Promise.all(names.map(n => apply(xr(n, 'parallel'))));
  await Promise.all(names.map(untilReady));
  await Promise.all(names.map(connect));
  const parallelTotal = performance.now() - t2;
  const parallelCount = await countXrs('bench=parallel');

  watch.abort();
  await plane.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const lines = [
    `| Measure | Result |`,
    `| --- | --- |`,
    `| XR create round trip (server-side apply, ${SEQUENTIAL} sequential) | p50 ${ms(
      percentile(roundTrips, 50),
    )}, p95 ${ms(percentile(roundTrips, 95))} |`,
    `| Create -> Ready (${SEQUENTIAL} sequential) | p50 ${ms(
      percentile(toReady, 50),
    )}, p95 ${ms(percentile(toReady, 95))} |`,
    `| Create -> Ready -> Secret read and pg connected | p50 ${ms(
      percentile(toConnected, 50),
    )}, p95 ${ms(percentile(toConnected, 95))} |`,
    `| ${CONCURRENT} identical concurrent requests -> Ready and connected | ${ms(
      identicalTotal,
    )} total, ${identicalCount} XR |`,
    `| ${CONCURRENT} different concurrent requests -> all Ready and connected | ${ms(
      parallelTotal,
    )} total, ${parallelCount} XRs |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(error => {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? error.stack : error}\n`,
  );
  process.exit(1);
});
