import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { KubernetesClusterClient } from './KubernetesClusterClient';

// Reads must not need `@kubernetes/client-node` (about 29 MiB once loaded): the catalog provider
// reads every 30 s from the backend's start on.
jest.mock('./loadKubernetesClient', () => ({
  loadKubernetesClient: () => {
    throw new Error('reads must not load @kubernetes/client-node');
  },
}));

const xr = (namespace: string, name: string) => ({
  apiVersion: 'example.org/v1alpha1',
  kind: 'Widget',
  metadata: { namespace, name, labels: { app: name } },
});

describe('KubernetesClusterClient reads, without @kubernetes/client-node', () => {
  let server: Server;
  let url: string;
  const requests: { path: string; auth?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ path: req.url!, auth: req.headers.authorization });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer good') {
        send(401, { kind: 'Status', message: 'Unauthorized' });
      } else if (req.url === '/apis/example.org/v1alpha1') {
        send(200, {
          kind: 'APIResourceList',
          resources: [
            { name: 'widgets', kind: 'Widget', namespaced: true },
            { name: 'widgets/status', kind: 'Widget', namespaced: true },
          ],
        });
      } else if (
        req.url === '/apis/example.org/v1alpha1/namespaces/team-a/widgets'
      ) {
        send(200, { items: [xr('team-a', 'one'), xr('team-a', 'two')] });
      } else if (
        req.url ===
        '/apis/example.org/v1alpha1/namespaces/team-a/widgets?labelSelector=app%3Dtwo'
      ) {
        send(200, { items: [xr('team-a', 'two')] });
      } else if (
        req.url === '/apis/example.org/v1alpha1/namespaces/team-a/widgets/one'
      ) {
        send(200, xr('team-a', 'one'));
      } else {
        send(404, { kind: 'Status', message: `${req.url} not found` });
      }
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  const client = (token = 'good') =>
    KubernetesClusterClient.create({
      cluster: { url, token, skipTLSVerify: false },
      maxAttempts: 2,
      backoffMs: 1,
    });

  it('lists and gets objects through the discovered resource path, with the token', async () => {
    requests.length = 0;
    const c = client();
    await expect(
      c.list('example.org/v1alpha1', 'Widget', 'team-a'),
    ).resolves.toEqual([xr('team-a', 'one'), xr('team-a', 'two')]);
    await expect(
      c.list('example.org/v1alpha1', 'Widget', 'team-a', 'app=two'),
    ).resolves.toEqual([xr('team-a', 'two')]);
    await expect(
      c.get('example.org/v1alpha1', 'Widget', 'team-a', 'one'),
    ).resolves.toEqual(xr('team-a', 'one'));
    await expect(
      c.get('example.org/v1alpha1', 'Widget', 'team-a', 'missing'),
    ).resolves.toBeUndefined();
    // Discovery once per kind; every request carries the portal's token.
    expect(
      requests.filter(r => r.path === '/apis/example.org/v1alpha1'),
    ).toHaveLength(1);
    expect(requests.every(r => r.auth === 'Bearer good')).toBe(true);
  });

  it('maps the API server errors as before', async () => {
    await expect(
      client('bad').list('example.org/v1alpha1', 'Widget', 'team-a'),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      client().list('example.org/v1', 'Widget', 'team-a'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      client().list('example.org/v1alpha1', 'Gadget', 'team-a'),
    ).rejects.toThrow(/Unrecognized API version and kind/);
  });

  it('retries and then reports an API server that is not there', async () => {
    const gone = KubernetesClusterClient.create({
      cluster: {
        url: 'http://127.0.0.1:1',
        token: 'good',
        skipTLSVerify: false,
      },
      maxAttempts: 2,
      backoffMs: 1,
    });
    await expect(
      gone.list('example.org/v1alpha1', 'Widget', 'team-a'),
    ).rejects.toThrow(ServiceUnavailableError);
  });
});
