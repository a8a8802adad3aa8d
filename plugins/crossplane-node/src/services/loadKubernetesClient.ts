import { createRequire } from 'node:module';
import type { KubernetesClientModule } from './KubernetesClusterClient';

/**
 * Loads `@kubernetes/client-node`, which ships only as ES modules. Node's own `require` loads ES
 * modules (without a flag since Node 22.12), and unlike `await import()` it also works inside
 * Jest, whose module registry cannot import ES modules: tests and the running backend take the
 * same path. Where `require` refuses an ES module (ERR_REQUIRE_ESM), `import()` loads it.
 */
export async function loadKubernetesClient(): Promise<KubernetesClientModule> {
  try {
    return createRequire(__filename)('@kubernetes/client-node');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_REQUIRE_ESM') {
      return import('@kubernetes/client-node');
    }
    throw error;
  }
}
