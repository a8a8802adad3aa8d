import { createRequire } from 'node:module';
import type { KubernetesClientModule } from '../services/KubernetesClusterClient';

/**
 * Jest (without --experimental-vm-modules) cannot run `await import()` of an ESM-only package;
 * Node 22's own require() of ES modules can. Tests load the real client this way.
 *
 * @public
 */
export async function loadKubernetesClientNatively(): Promise<KubernetesClientModule> {
  return createRequire(__filename)('@kubernetes/client-node');
}
