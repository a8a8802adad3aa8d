import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The kubeconfig `./portal start` writes for its local control plane, in the data folder the
 * journeys' portal runs on (playwright.config.ts sets PORTAL_DATA_DIR).
 */
const kubeconfig = resolve(
  __dirname,
  '../../..',
  process.env.PORTAL_DATA_DIR ?? '.data',
  'control-plane/kubeconfig',
);

/** Runs kubectl against the portal's local control plane, as a platform engineer would. */
export function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
}

/** `kubectl apply --server-side` of a manifest given as text, as the platform team's own change. */
export function kubectlApply(manifest: string): string {
  return execFileSync(
    'kubectl',
    [
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=platform-team',
      '-f',
      '-',
    ],
    {
      encoding: 'utf8',
      input: manifest,
      env: { ...process.env, KUBECONFIG: kubeconfig },
    },
  );
}

/** Deletes a Payments database request (its XR) and waits until it is gone. */
export function deletePaymentsDatabase(
  name: string,
  options: { ignoreNotFound?: boolean } = {},
): string {
  return kubectl(
    'delete',
    'postgresqlinstance',
    name,
    '-n',
    'team-payments',
    ...(options.ignoreNotFound ? ['--ignore-not-found'] : []),
    '--wait=true',
  );
}
