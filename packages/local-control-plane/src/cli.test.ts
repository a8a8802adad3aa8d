import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_PORTAL_TOKEN } from './defaults';

const BIN = resolve(__dirname, '..', 'bin', 'local-control-plane');
const XRS =
  '/apis/platform.fernhill.io/v1alpha1/namespaces/team-payments/postgresqlinstances';

jest.setTimeout(120_000);

/** The command line as `./portal start` runs it: tokens per data folder, API on a free port. */
describe('local-control-plane command line', () => {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];

  function newDataDir() {
    const dir = mkdtempSync(join(tmpdir(), 'lcp-cli-test-'));
    dataDirs.push(dir);
    return dir;
  }

  async function printEnv(dataDir: string): Promise<Record<string, string>> {
    const { stdout } = await promisify(execFile)(process.execPath, [
      BIN,
      '--print-env',
      '--data-dir',
      dataDir,
    ]);
    return Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map(line => [
          line.slice(0, line.indexOf('=')),
          line.slice(line.indexOf('=') + 1),
        ]),
    );
  }

  async function start(dataDir: string): Promise<{ url: string }> {
    const child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--data-dir', dataDir, '--no-reconciler'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', d => {
      stderr += d;
    });
    const first = await new Promise<string>((ok, fail) => {
      createInterface({ input: child.stdout! }).once('line', ok);
      child.once('exit', code =>
        fail(new Error(`CLI exited with ${code}: ${stderr}`)),
      );
    });
    return JSON.parse(first);
  }

  async function status(url: string, path: string, token: string) {
    const res = await fetch(`${url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.arrayBuffer();
    return res.status;
  }

  function kubeconfigToken(dataDir: string): string {
    return /token: (\S+)/.exec(
      readFileSync(join(dataDir, 'kubeconfig'), 'utf8'),
    )![1];
  }

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        const exited = new Promise(ok => child.once('exit', ok));
        child.kill('SIGTERM');
        await exited;
      }
    }
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('generates its tokens per data folder, keeps them owner-only, and refuses the public defaults', async () => {
    const first = newDataDir();
    const second = newDataDir();
    const envFirst = await printEnv(first);
    const envSecond = await printEnv(second);
    expect(Object.keys(envFirst).sort()).toEqual([
      'LOCAL_CONTROL_PLANE_KUBERNETES_PLUGIN_TOKEN',
      'LOCAL_CONTROL_PLANE_PORTAL_TOKEN',
    ]);
    // Stable for a folder (a running backend keeps working), different between folders.
    expect(await printEnv(first)).toEqual(envFirst);
    for (const name of Object.keys(envFirst)) {
      expect(envFirst[name]).not.toEqual(envSecond[name]);
      expect(envFirst[name].length).toBeGreaterThanOrEqual(32);
    }
    expect(statSync(join(first, 'tokens.json')).mode & 0o777).toBe(0o600);

    const { url } = await start(first);
    const admin = kubeconfigToken(first);
    expect(statSync(join(first, 'kubeconfig')).mode & 0o777).toBe(0o600);
    expect(await status(url, '/api/v1/namespaces', admin)).toBe(200);
    for (const publicToken of [DEFAULT_ADMIN_TOKEN, DEFAULT_PORTAL_TOKEN]) {
      expect(await status(url, '/api/v1/namespaces', publicToken)).toBe(401);
    }
    // Another folder's tokens are unknown here.
    expect(
      await status(url, XRS, envSecond.LOCAL_CONTROL_PLANE_PORTAL_TOKEN),
    ).toBe(401);
  });

  it("authenticates the portal and the Kubernetes tab as their own accounts, with crossplane/rbac's rights", async () => {
    const dataDir = newDataDir();
    const env = await printEnv(dataDir);
    const { url } = await start(dataDir);
    const portal = env.LOCAL_CONTROL_PLANE_PORTAL_TOKEN;
    const tab = env.LOCAL_CONTROL_PLANE_KUBERNETES_PLUGIN_TOKEN;
    const pods = '/api/v1/namespaces/team-payments/pods';
    const deployments = '/apis/apps/v1/namespaces/team-payments/deployments';
    expect({
      portalListsClaims: await status(url, XRS, portal),
      portalListsPods: await status(url, pods, portal),
      tabListsPods: await status(url, pods, tab),
      tabListsDeployments: await status(url, deployments, tab),
      tabListsClaims: await status(url, XRS, tab),
      tabListsSecrets: await status(
        url,
        '/api/v1/namespaces/team-payments/secrets',
        tab,
      ),
    }).toEqual({
      portalListsClaims: 200,
      // The account that writes PostgreSQLInstances is not the Kubernetes tab's.
      portalListsPods: 403,
      tabListsPods: 200,
      tabListsDeployments: 200,
      tabListsClaims: 403,
      tabListsSecrets: 403,
    });
    const create = await fetch(`${url}${XRS}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tab}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        apiVersion: 'platform.fernhill.io/v1alpha1',
        kind: 'PostgreSQLInstance',
        metadata: { name: 'taken-over' },
        spec: { size: 'small', environment: 'dev', owner: 'payments' },
      }),
    });
    expect(create.status).toBe(403);
  });
});
