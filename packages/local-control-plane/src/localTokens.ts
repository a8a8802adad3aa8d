import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The tokens of one data folder's control plane, one per identity it serves.
 *
 * @public
 */
export interface LocalControlPlaneTokens {
  /** `system:masters`: people and kubectl (the kubeconfig in the data folder). */
  admin: string;
  /** The portal's database service: `backstage/portal` (writes PostgreSQLInstances). */
  portal: string;
  /** The portal's Kubernetes tab: `backstage/portal-kubernetes-plugin` (reads workloads only). */
  kubernetesPlugin: string;
}

const KEYS: Array<keyof LocalControlPlaneTokens> = [
  'admin',
  'portal',
  'kubernetesPlugin',
];

/**
 * Where {@link ensureLocalTokens} keeps a data folder's tokens.
 *
 * @public
 */
export function localTokensPath(dataDir: string): string {
  return join(dataDir, 'tokens.json');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The data folder's control-plane tokens, generated on first use and kept (owner-only) in
 * `tokens.json`, so every checkout has its own: fixed tokens in the repository would let anything
 * that reaches the port act as cluster admin or as the portal. A folder's existing tokens are kept,
 * and a missing one is added, so the backend and kubeconfig of a running portal stay valid.
 *
 * @public
 */
export function ensureLocalTokens(dataDir: string): LocalControlPlaneTokens {
  mkdirSync(dataDir, { recursive: true });
  const path = localTokensPath(dataDir);
  let stored: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      stored = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(
        `${path} is not valid JSON (${error}); delete it to generate new tokens`,
      );
    }
  }
  const tokens = {} as LocalControlPlaneTokens;
  let changed = false;
  for (const key of KEYS) {
    const value = stored?.[key];
    if (typeof value === 'string' && value.length >= 32) {
      tokens[key] = value;
    } else {
      tokens[key] = newToken();
      changed = true;
    }
  }
  if (changed) {
    writeFileSync(path, `${JSON.stringify(tokens, null, 2)}\n`, {
      mode: 0o600,
    });
  }
  chmodSync(path, 0o600);
  return tokens;
}
