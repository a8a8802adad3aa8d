// Measurements of one Backstage app checkout, written so that two apps (the portal and a stock
// create-app app) are measured by the same code under the same conditions:
// - measureStart: start command to ready (frontend HTTP 200 and backend readiness), then the
//   backend's resident memory after a fixed settle time;
// - measureInitialJs: the JavaScript a browser downloads to show the first page of the production
//   frontend build, served by one static server for every app.
// Every app runs on the fixed ports 3000/7007 that the browser journeys of other sessions also use,
// so a run holds the journeys' lock for as long as an app is up.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

export const FRONTEND_URL = 'http://localhost:3000';
export const READINESS_URL =
  'http://localhost:7007/.backstage/health/v1/readiness';
export const E2E_LOCK = '/tmp/portal-e2e.lock';
const PORTS = [3000, 7007];
const START_LIMIT_MS = 600_000;
// Start-up work (catalog ingestion, search indexing) settles before memory is read.
export const SETTLE_MS = 20_000;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function isOk(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Process ids listening on a TCP port, read from the socket table. */
export function listeningPids(port) {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], {
    encoding: 'utf8',
  });
  return [...out.matchAll(/pid=(\d+)/g)].map(m => Number(m[1]));
}

function isListening(port) {
  return (
    execFileSync('ss', ['-ltnH', `sport = :${port}`], {
      encoding: 'utf8',
    }).trim() !== ''
  );
}

export function assertPortsFree() {
  const busy = PORTS.filter(isListening);
  if (busy.length > 0) {
    throw new Error(
      `port(s) ${busy.join(
        ', ',
      )} already in use: stop the app listening there first`,
    );
  }
}

async function waitForPortsFree(limitMs = 60_000) {
  const started = Date.now();
  while (PORTS.some(isListening)) {
    if (Date.now() - started > limitMs) {
      throw new Error(`ports ${PORTS.join('/')} still in use after stopping`);
    }
    await sleep(500);
  }
}

/** Resident set size of a process in MiB, from /proc. */
export function residentMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/**
 * Runs `fn` while holding the lock the browser journeys take for the shared ports. The lock is held by
 * a `flock` process of its own, so waiting for it is never counted in a measurement.
 */
export async function withPortsLock(fn) {
  const holder = spawn(
    'flock',
    ['-o', E2E_LOCK, '-c', 'echo locked; exec sleep infinity'],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', code =>
      reject(new Error(`flock exited (${code}) before taking the lock`)),
    );
    holder.stdout.on('data', chunk => {
      if (String(chunk).includes('locked')) resolve();
    });
  });
  // A crash of this process must not leave the shared ports locked for everyone else.
  const release = () => {
    try {
      process.kill(-holder.pid, 'SIGTERM');
    } catch {
      // already released
    }
  };
  const interrupted = () => {
    release();
    process.exit(130);
  };
  process.once('exit', release);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await fn();
  } finally {
    holder.removeAllListeners('exit');
    process.off('exit', release);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    release();
  }
}

async function stopGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const started = Date.now();
  while (Date.now() - started < 20_000) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await sleep(250);
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Starts an app with its own start command, measures the time until the frontend answers 200 and the
 * backend reports ready, waits SETTLE_MS, reads the backend's resident memory and stops the app.
 * The caller holds the ports lock (withPortsLock).
 */
export async function measureStart(appDir, startCommand, options = {}) {
  const { settleMs = SETTLE_MS, env = {}, log } = options;
  assertPortsFree();
  const [command, ...args] = startCommand;
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: appDir,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', log ?? 'ignore', log ?? 'ignore'],
  });
  let exited;
  child.once('exit', code => {
    exited = code;
  });
  child.once('error', error => {
    exited = error.message;
  });
  try {
    while (!((await isOk(FRONTEND_URL)) && (await isOk(READINESS_URL)))) {
      if (exited !== undefined) {
        throw new Error(`${startCommand.join(' ')} exited with ${exited}`);
      }
      if (Date.now() - started > START_LIMIT_MS) {
        throw new Error(`${startCommand.join(' ')} was not ready in time`);
      }
      await sleep(250);
    }
    const seconds = (Date.now() - started) / 1000;
    await sleep(settleMs);
    const [pid] = listeningPids(7007);
    if (!pid) throw new Error('no process is listening on port 7007');
    return { seconds, backendPid: pid, rssMiB: residentMiB(pid) };
  } finally {
    await stopGroup(child);
    await waitForPortsFree();
  }
}

/** Builds the production frontend of an app (`yarn build` in packages/app). */
export function buildFrontend(appDir, options = {}) {
  const started = Date.now();
  execFileSync('yarn', ['build'], {
    cwd: join(appDir, 'packages/app'),
    stdio: options.log ? ['ignore', options.log, options.log] : 'ignore',
  });
  return { seconds: (Date.now() - started) / 1000 };
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);

/**
 * A static server for a built frontend, the same for every app: files by path, index.html for every
 * route without a file (a single-page app), gzip for text when the browser accepts it, as a
 * production web server or the app backend would.
 */
export async function serveStatic(distDir, port = 3000) {
  const gzipped = new Map();
  const server = createServer((req, res) => {
    const path = normalize(
      decodeURIComponent(new URL(req.url, 'http://x').pathname),
    );
    let file = join(distDir, path);
    if (
      !file.startsWith(distDir) ||
      !existsSync(file) ||
      statSync(file).isDirectory()
    ) {
      file = join(distDir, 'index.html');
    }
    const ext = extname(file);
    let body = readFileSync(file);
    const headers = {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    };
    if (
      COMPRESSIBLE.has(ext) &&
      /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
    ) {
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(body));
      body = gzipped.get(file);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', resolve);
  });
  return { close: () => new Promise(resolve => server.close(resolve)) };
}

/**
 * Opens the first page of a built frontend (packages/app/dist) in Chromium and sums the JavaScript it
 * downloads until the network is idle: bytes on the wire (gzip) and decoded. No backend runs, so
 * the first page is what the app shows before anyone signs in. The caller holds the ports lock.
 */
export async function measureInitialJs(appDir, options = {}) {
  const { chromiumPath = '/usr/bin/chromium', path = '/' } = options;
  const { chromium } = await import('playwright-core');
  assertPortsFree();
  const server = await serveStatic(join(appDir, 'packages/app/dist'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts = [];
    page.on('requestfinished', request => {
      if (request.resourceType() === 'script') scripts.push(request);
    });
    await page.goto(`${FRONTEND_URL}${path}`, {
      waitUntil: 'networkidle',
      timeout: 120_000,
    });
    const files = [];
    for (const request of scripts) {
      const response = await request.response();
      const sizes = await request.sizes();
      const body = response ? await response.body() : Buffer.alloc(0);
      files.push({
        url: request.url(),
        transferBytes: sizes.responseBodySize + sizes.responseHeadersSize,
        decodedBytes: body.length,
      });
    }
    await context.close();
    const sum = key => files.reduce((total, f) => total + f[key], 0);
    return {
      files: files.sort((a, b) => b.decodedBytes - a.decodedBytes),
      transferBytes: sum('transferBytes'),
      decodedBytes: sum('decodedBytes'),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
