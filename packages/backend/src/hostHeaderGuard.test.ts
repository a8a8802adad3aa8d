import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { configureRootHttpRouter, hostNameOf } from './hostHeaderGuard';

/** A plugin with one open route, to have something behind the root router. */
const probePlugin = createBackendPlugin({
  pluginId: 'probe',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use((_req, res) => {
          res.json({ ok: true });
        });
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});

/** GET with a chosen Host header (fetch does not let a caller set it). */
function get(
  port: number,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/api/probe/ping', headers: { host } },
      res => {
        let body = '';
        res.on('data', chunk => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const backends: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map(b => b.stop()));
});

/** The backend's real root router (backend-defaults) configured as packages/backend does. */
async function startBackend(listenHost: string) {
  let server: Server | undefined;
  const backend = createBackend();
  backend.add(probePlugin);
  backend.add(
    rootHttpRouterServiceFactory({
      configure: ctx => {
        server = ctx.server;
        configureRootHttpRouter(ctx);
      },
    }),
  );
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://localhost:3000' },
        backend: {
          baseUrl: 'http://localhost:7007',
          listen: { host: listenHost, port: 0 },
        },
      },
    }),
  );
  backend.add(mockServices.rootLogger.factory());
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  await backend.start();
  backends.push(backend);
  return (server!.address() as AddressInfo).port;
}

describe('the Host check of the local backend', () => {
  it('answers 403 to a DNS-rebinding host name and serves the portal’s own names', async () => {
    const port = await startBackend('127.0.0.1');
    for (const host of [
      'attacker.example:7007',
      'localhost.attacker.example',
      '127.0.0.1.nip.io:7007',
    ]) {
      const res = await get(port, host);
      expect({ host, status: res.status }).toEqual({ host, status: 403 });
      expect(JSON.parse(res.body).error.name).toBe('NotAllowedError');
    }
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      'LOCALHOST:7007',
      `[::1]:${port}`,
    ]) {
      const res = await get(port, host);
      expect({ host, status: res.status }).toEqual({ host, status: 200 });
    }
  });

  it('leaves deployed backends, which listen on every interface, to their ingress', async () => {
    const port = await startBackend('0.0.0.0');
    expect((await get(port, 'portal.fernhill.example')).status).toBe(200);
  });

  it('reads the host name out of a Host header', () => {
    expect(hostNameOf('Example.com:80')).toBe('example.com');
    expect(hostNameOf('[::1]:7007')).toBe('[::1]');
    expect(hostNameOf('localhost')).toBe('localhost');
  });
});
