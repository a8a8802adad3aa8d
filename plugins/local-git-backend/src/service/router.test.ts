import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestRepositories } from '../__testUtils__/testRepositories';
import { createRouter } from './router';

const execFileAsync = promisify(execFile);

async function startHost(enabled = true, uploadIdleTimeoutMs?: number) {
  // Listen first so the repositories' base URL is the real one.
  const app = express();
  const requests: string[] = [];
  const gitProtocols: string[] = [];
  app.use((req, _res, next) => {
    requests.push(`${req.method} ${req.path}`);
    gitProtocols.push(req.header('git-protocol') ?? '');
    next();
  });
  const server = await new Promise<import('node:http').Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const env = await createTestRepositories(
    `http://127.0.0.1:${port}/api/local-git`,
  );
  const logger = mockServices.logger.mock();
  const router = await createRouter({
    repositories: env.repositories,
    logger,
    enabled,
    uploadIdleTimeoutMs,
  });
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger,
  });
  app.use('/api/local-git', router);
  app.use(middleware.error());
  return {
    ...env,
    app,
    requests,
    gitProtocols,
    baseUrl: env.repositories.baseUrl,
    port,
    stop: async () => {
      await new Promise(resolve => server.close(resolve));
      await env.cleanup();
    },
  };
}

describe('local Git host router', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(() => host.stop());

  it.each([
    ['smart v2', {}],
    ['smart v0', { GIT_CONFIG_PARAMETERS: "'protocol.version=0'" }],
    ['dumb', { GIT_SMART_HTTP: '0' }],
  ])('serves git clone over HTTP (%s protocol)', async (_kind, env) => {
    const target = join(host.root, `clone-${_kind.replace(' ', '-')}`);
    host.requests.length = 0;
    host.gitProtocols.length = 0;
    await execFileAsync(
      'git',
      ['clone', '--quiet', `${host.baseUrl}/orders-api.git`, target],
      {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
      },
    );
    expect(await fs.readFile(join(target, 'docs/index.md'), 'utf8')).toBe(
      '# Orders API\n',
    );
    const { stdout } = await execFileAsync('git', [
      '-C',
      target,
      'rev-parse',
      'HEAD',
    ]);
    expect(stdout.trim()).toBe(host.published.commit);
    const smart = host.requests.includes(
      'POST /api/local-git/orders-api.git/git-upload-pack',
    );
    expect(smart).toBe(_kind.startsWith('smart'));
    // Protocol v2 is only negotiated by the smart protocol.
    const usedV2 =
      smart && host.gitProtocols.some(p => p.includes('version=2'));
    expect(usedV2).toBe(_kind === 'smart v2');
  });

  it('refuses pushes', async () => {
    const advertise = await request(host.app).get(
      '/api/local-git/orders-api.git/info/refs?service=git-receive-pack',
    );
    expect(advertise.status).toBe(403);
    const push = await request(host.app).post(
      '/api/local-git/orders-api.git/git-receive-pack',
    );
    expect(push.status).toBe(403);
  });

  it('lists repositories', async () => {
    const res = await request(host.app).get('/api/local-git/').expect(200);
    expect(res.body.repositories).toEqual([
      expect.objectContaining({
        name: 'orders-api',
        cloneUrl: `${host.baseUrl}/orders-api.git`,
      }),
    ]);
  });

  it('redirects the repository URL to the default branch listing', async () => {
    const res = await request(host.app)
      .get('/api/local-git/orders-api')
      .expect(302);
    expect(res.headers.location).toBe(`${host.baseUrl}/orders-api/tree/main/`);
  });

  it('shows a folder as HTML with escaped names and as JSON', async () => {
    const html = await request(host.app)
      .get('/api/local-git/orders-api/tree/main/')
      .set('Accept', 'text/html')
      .expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain(
      `href="${host.baseUrl}/orders-api/tree/main/docs/"`,
    );
    expect(html.text).toContain(
      `href="${host.baseUrl}/orders-api/blob/main/catalog-info.yaml"`,
    );
    expect(html.text).toContain(`git clone ${host.baseUrl}/orders-api.git`);

    // The catalog's "source location" is the blob/ form of the root, which must list too.
    const json = await request(host.app)
      .get('/api/local-git/orders-api/blob/main/docs?format=json')
      .expect(200);
    expect(json.body).toMatchObject({
      repository: 'orders-api',
      ref: 'main',
      path: 'docs',
      entries: [
        { name: 'index.md', type: 'blob' },
        { name: 'runbook.md', type: 'blob' },
      ],
    });
  });

  it('serves files as plain text that browsers do not sniff, binaries as octet-stream', async () => {
    const res = await request(host.app)
      .get('/api/local-git/orders-api/blob/main/docs/runbook.md')
      .expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe(host.files['docs/runbook.md']);
    const bin = await request(host.app)
      .get('/api/local-git/orders-api/blob/main/assets/logo.bin')
      .expect(200);
    expect(bin.headers['content-type']).toBe('application/octet-stream');
  });

  it.each([
    '/api/local-git/orders-api/blob/main/%2e%2e/%2e%2e/etc/passwd',
    '/api/local-git/orders-api/blob/main/docs%2F..%2F..%2Fconfig',
    '/api/local-git/orders-api.git/config',
    '/api/local-git/orders-api.git/hooks/pre-receive.sample',
    '/api/local-git/orders-api.git/objects/../config',
    '/api/local-git/Orders/tree/main/',
    '/api/local-git/orders-api/tree/-main/',
    '/api/local-git/orders-api/tree/nope/',
    '/api/local-git/missing-repo/tree/main/',
    '/api/local-git/missing-repo.git/info/refs',
    '/api/local-git/orders-api/blob/main/does-not-exist',
  ])('refuses %s without leaking files', async path => {
    const res = await request(host.app).get(path);
    expect([400, 404]).toContain(res.status);
    expect(res.text).not.toContain('[core]');
    expect(res.text).not.toContain('root:');
  });
});

describe('local Git host router when publishing elsewhere', () => {
  it('serves nothing', async () => {
    const host = await startHost(false);
    try {
      const res = await request(host.app)
        .get('/api/local-git/orders-api/tree/main/')
        .expect(404);
      expect(res.body.error.message).toMatch(/local Git host is off/);
    } finally {
      await host.stop();
    }
  });
});

/** Running `git upload-pack` processes serving this repository folder. */
async function gitProcessesFor(gitDir: string): Promise<number> {
  try {
    const { stdout } = await execFileAsync('pgrep', [
      '-f',
      `upload-pack.*${gitDir}`,
    ]);
    return stdout.trim().split('\n').filter(Boolean).length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

/** Waits until no git process serves the folder; returns how many were left at the end. */
async function gitProcessesLeft(gitDir: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    if ((await gitProcessesFor(gitDir)) === 0) return 0;
    await new Promise(r => setTimeout(r, 100));
  }
  return gitProcessesFor(gitDir);
}

/** Sends a raw HTTP request; resolves with the status line once the server answers or closes. */
function rawRequest(
  port: number,
  head: string,
  body: Buffer,
  after: 'wait' | 'abort',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', chunk => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => resolve(received.split('\r\n')[0]));
    socket.on('close', () => resolve(received.split('\r\n')[0]));
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body, () => {
        if (after === 'abort') {
          socket.destroy();
        }
      });
    });
    socket.setTimeout(20_000, () => {
      socket.destroy();
      reject(new Error('the server neither answered nor closed'));
    });
  });
}

const uploadHead = (path: string, headers: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-git-upload-pack-request\r\n${headers}\r\n`;

describe('local Git host upload-pack that does not end cleanly', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    host = await startHost(true, 500);
  });
  afterAll(() => host.stop());
  const path = '/api/local-git/orders-api.git/git-upload-pack';
  const gitDir = () => host.repositories.gitDir('orders-api');

  it('answers a body that is not gzip with 400 and leaves no git process', async () => {
    const body = Buffer.from(
      '0032want 0123456789012345678901234567890123456789\n',
    );
    const status = await rawRequest(
      host.port,
      uploadHead(
        path,
        `Content-Encoding: gzip\r\nContent-Length: ${body.length}\r\nConnection: close\r\n`,
      ),
      body,
      'wait',
    );
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    expect(await gitProcessesLeft(gitDir())).toBe(0);
  });

  it('kills git when the client disconnects mid-upload', async () => {
    await rawRequest(
      host.port,
      uploadHead(path, 'Content-Length: 100000\r\n'),
      Buffer.from('0032want '),
      'abort',
    );
    expect(await gitProcessesLeft(gitDir())).toBe(0);
  });

  it('drops a request whose body stops short of its Content-Length', async () => {
    const status = await rawRequest(
      host.port,
      uploadHead(path, 'Content-Length: 100000\r\n'),
      Buffer.from('0032want '),
      'wait',
    );
    // The server closes the stalled connection instead of waiting for the rest.
    expect(status).not.toBe('HTTP/1.1 200 OK');
    expect(await gitProcessesLeft(gitDir())).toBe(0);
  });
});
