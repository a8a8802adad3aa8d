// What the benchmarks that go through a running portal share: starting it when nothing listens on
// :7007 (and stopping only what they started), the guest's token, the control plane's kubeconfig,
// and percentiles.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const BACKEND = 'http://localhost:7007';
/** The kubeconfig `./portal start` writes for its local control plane, in its data folder. */
export const KUBECONFIG = resolve(
  root,
  process.env.PORTAL_DATA_DIR ?? '.data',
  'control-plane/kubeconfig',
);
const READINESS = `${BACKEND}/.backstage/health/v1/readiness`;
const START_LIMIT_MS = 300_000;

export const sleep = ms => new Promise(r => setTimeout(r, ms));

async function isReady() {
  try {
    return (await fetch(READINESS)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Uses the portal already running, or runs `./portal start` in its own process group until
 * `stop` is called. Returns `stop`, which does nothing for a portal this script did not start.
 */
export async function ensurePortal() {
  if (await isReady()) return async () => {};
  const child = spawn('./portal', ['start'], {
    cwd: root,
    detached: true,
    stdio: 'ignore',
  });
  const started = Date.now();
  while (!(await isReady())) {
    if (Date.now() - started > START_LIMIT_MS)
      throw new Error('portal did not start in time');
    await sleep(500);
  }
  return async () => {
    process.kill(-child.pid, 'SIGTERM');
    await sleep(3000);
  };
}

/**
 * A local sign-in identity's Backstage token: `guest` (a Payments developer) or `demo-platform`
 * (the platform team, who alone may dry-run templates); the auth backend may still be settling
 * right after start.
 */
export async function identityToken(provider = 'guest') {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${BACKEND}/api/auth/${provider}/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      });
      if (!response.ok)
        throw new Error(`${provider} sign-in failed: ${response.status}`);
      return (await response.json()).backstageIdentity.token;
    } catch (error) {
      if (attempt >= 10) throw error;
      await sleep(2000);
    }
  }
}

/** The local guest's Backstage token. */
export const guestToken = () => identityToken('guest');

/**
 * Waits until the catalog serves the template (a portal just started ingests its locations for a
 * while), so the first measured run does not fail with "Template not found".
 */
export async function waitForTemplate(token, name, limitMs = 180_000) {
  const started = Date.now();
  for (;;) {
    const response = await fetch(
      `${BACKEND}/api/catalog/entities/by-name/template/default/${name}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (response.ok) return;
    if (Date.now() - started > limitMs) {
      throw new Error(
        `template ${name} not in the catalog after ${limitMs / 1000} s (${
          response.status
        })`,
      );
    }
    await sleep(1000);
  }
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)];
}
