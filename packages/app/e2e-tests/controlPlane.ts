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
