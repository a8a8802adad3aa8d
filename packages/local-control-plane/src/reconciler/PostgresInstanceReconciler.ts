import { randomBytes } from 'node:crypto';
import { ObjectService, ORPHAN_FINALIZER } from '../api/ObjectService';
import { isObject, JsonObject, KubeObject } from '../api/objects';
import { ResourceType, ResourceTypeRegistry } from '../api/resourceTypes';
import { ApiError } from '../api/status';
import { ObjectStore, StoreEvent } from '../store/ObjectStore';
import {
  available,
  Condition,
  creating,
  reconcileError,
  setConditions,
  synced,
} from './conditions';
import { PostgresServer } from './postgresServer';
import {
  dropDatabaseAndRole,
  ensureDatabase,
  ensureRole,
  postgresNameFor,
} from './sharedServerSql';

/** Crossplane's finalizer on composite resources. */
export const COMPOSITE_FINALIZER = 'composite.apiextensions.crossplane.io';
/** The field manager Crossplane uses for what it writes on XRs and composed resources. */
export const COMPOSITE_MANAGER = 'apiextensions.crossplane.io/composite';
/** The Composition this reconciler carries out. */
export const SHARED_SERVER_COMPOSITION = 'postgresqlinstances-shared-server';
/** Label linking the connection Secret to its XR (as in the Composition). */
export const INSTANCE_LABEL = 'platform.fernhill.io/postgresqlinstance';

const GROUP = 'platform.fernhill.io';
const RESOURCE = 'postgresqlinstances';
const DEFAULT_CONNECTION_LIMITS: Record<string, number> = {
  small: 20,
  medium: 50,
  large: 100,
};
const MAX_BACKOFF_MS = 30_000;
const CONCURRENCY = 4;
/** Drift (a database dropped by hand, a changed password) is repaired at least this often. */
const RESYNC_MS = 5 * 60_000;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: unknown) =>
  typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : undefined;

interface XrSpec {
  size: string;
  deletionPolicy?: string;
  connectionSecretName: string;
  crossplane?: {
    compositionRef?: { name: string };
    compositionSelector?: { matchLabels: Record<string, string> };
  };
}

/**
 * Carries out the shared-server Composition for PostgreSQLInstance XRs: role + database + grant on the
 * PostgreSQL server, the connection Secret in the XR's namespace, Synced/Ready conditions and Events.
 * Keys are processed one at a time each (a change during a run queues one more run), failures retry
 * with exponential backoff, and every step is idempotent.
 */
export class PostgresInstanceReconciler {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private unsubscribe?: () => void;
  private resync?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: ObjectStore;
      registry: ResourceTypeRegistry;
      service: ObjectService;
      server: PostgresServer;
      logger: (line: string) => void;
    },
  ) {}

  private type(): ResourceType | undefined {
    return this.deps.registry
      .all()
      .find(t => t.group === GROUP && t.resource === RESOURCE);
  }

  start() {
    this.unsubscribe = this.deps.store.subscribe((event: StoreEvent) => {
      if (
        event.group === GROUP &&
        event.resource === RESOURCE &&
        event.type !== 'DELETED'
      ) {
        this.enqueue(
          `${event.object.metadata.namespace}/${event.object.metadata.name}`,
        );
      }
      // A deleted connection Secret is recreated.
      const owner = event.object.metadata.labels?.[INSTANCE_LABEL];
      if (
        event.group === '' &&
        event.resource === 'secrets' &&
        event.type === 'DELETED' &&
        owner
      ) {
        this.enqueue(`${event.object.metadata.namespace}/${owner}`);
      }
    });
    const enqueueAll = () => {
      for (const xr of this.deps.store.list(GROUP, RESOURCE)) {
        this.enqueue(`${xr.metadata.namespace}/${xr.metadata.name}`);
      }
    };
    enqueueAll();
    this.resync = setInterval(enqueueAll, RESYNC_MS);
    this.resync.unref();
  }

  async stop() {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.resync);
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(key: string, delayMs = 0) {
    if (this.stopped) return;
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue(key);
      }, delayMs);
      this.timers.add(timer);
      return;
    }
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.pending.add(key);
    setImmediate(() => this.pump());
  }

  private pump() {
    while (
      !this.stopped &&
      this.running.size < CONCURRENCY &&
      this.pending.size > 0
    ) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      this.running.add(key);
      const run = this.reconcileKey(key).finally(() => {
        this.running.delete(key);
        this.inFlight.delete(run);
        if (this.again.delete(key)) this.enqueue(key);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  private async reconcileKey(key: string) {
    const [namespace, name] = key.split('/');
    try {
      await this.reconcile(namespace, name);
      this.failures.delete(key);
    } catch (error) {
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      const message = error instanceof Error ? error.message : String(error);
      this.deps.logger(
        `reconcile ${key} failed (attempt ${attempts}): ${message}`,
      );
      try {
        this.recordFailure(namespace, name, message);
      } catch (statusError) {
        if (!(statusError instanceof ApiError && statusError.code === 404)) {
          this.deps.logger(
            `could not record failure of ${key}: ${
              (statusError as Error).message
            }`,
          );
        }
      }
      this.enqueue(key, Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempts - 1)));
    }
  }

  /** One reconcile pass for an XR; safe to run any number of times. */
  async reconcile(namespace: string, name: string): Promise<void> {
    const type = this.type();
    if (!type) return;
    const { service, server } = this.deps;
    let xr = service.find(type, namespace, name);
    if (!xr) return;
    const spec = xr.spec as unknown as XrSpec;
    const pgName = postgresNameFor(namespace, name);

    if (xr.metadata.deletionTimestamp) {
      if (!xr.metadata.finalizers?.includes(COMPOSITE_FINALIZER)) return;
      // `kubectl delete --cascade=orphan`: the API server recorded the policy as the `orphan`
      // finalizer; composed resources outlive the XR, as garbage collection keeps them on a cluster.
      const orphaned = xr.metadata.finalizers.includes(ORPHAN_FINALIZER);
      if (spec.deletionPolicy !== 'Orphan' && !orphaned) {
        await dropDatabaseAndRole(server.pool, pgName, pgName);
        this.deps.logger(`dropped database and role ${pgName}`);
      }
      if (!orphaned) this.deleteOwnedSecret(xr, spec.connectionSecretName);
      service.patch(
        type,
        namespace,
        name,
        'merge',
        {
          metadata: {
            finalizers: xr.metadata.finalizers.filter(
              f => f !== COMPOSITE_FINALIZER,
            ),
            resourceVersion: xr.metadata.resourceVersion,
          },
        },
        { fieldManager: COMPOSITE_MANAGER },
      );
      return;
    }

    if (!xr.metadata.finalizers?.includes(COMPOSITE_FINALIZER)) {
      xr = service.patch(
        type,
        namespace,
        name,
        'merge',
        {
          metadata: {
            finalizers: [
              ...(xr.metadata.finalizers ?? []),
              COMPOSITE_FINALIZER,
            ],
            resourceVersion: xr.metadata.resourceVersion,
          },
        },
        { fieldManager: COMPOSITE_MANAGER },
      ).object;
    }

    const composition = this.selectComposition(type, xr, spec);
    if (composition !== SHARED_SERVER_COMPOSITION) {
      throw new Error(
        `composition ${composition} cannot run on the local control plane: only ${SHARED_SERVER_COMPOSITION} is carried out locally`,
      );
    }

    const connectionLimit = this.connectionLimit(spec.size);
    const secretType = this.deps.registry.lookup('', 'v1', 'secrets')!;
    const existing = service.find(
      secretType,
      namespace,
      spec.connectionSecretName,
    );
    if (
      existing &&
      !existing.metadata.ownerReferences?.some(
        r => r.uid === xr!.metadata.uid && r.controller,
      )
    ) {
      throw new Error(
        `cannot compose Secret ${spec.connectionSecretName}: it already exists and is not controlled by this PostgreSQLInstance`,
      );
    }
    const data = (existing?.data ?? {}) as Record<string, string>;
    const password =
      unb64(data.username) === pgName && unb64(data.password)
        ? unb64(data.password)!
        : randomBytes(24).toString('base64url');

    const roleCreated = await ensureRole(
      server.pool,
      pgName,
      password,
      connectionLimit,
    );
    const databaseCreated = await ensureDatabase(
      server.pool,
      pgName,
      pgName,
      connectionLimit,
    );

    const uri = `postgresql://${encodeURIComponent(
      pgName,
    )}:${encodeURIComponent(password)}@${server.host}:${
      server.port
    }/${encodeURIComponent(pgName)}`;
    service.patch(
      secretType,
      namespace,
      spec.connectionSecretName,
      'apply',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: spec.connectionSecretName,
          namespace,
          labels: { [INSTANCE_LABEL]: name },
          annotations: {
            'crossplane.io/composition-resource-name': 'connection-secret',
          },
          ownerReferences: [
            {
              apiVersion: xr.apiVersion,
              kind: xr.kind,
              name,
              uid: xr.metadata.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        type: 'Opaque',
        data: {
          host: b64(server.host),
          port: b64(String(server.port)),
          database: b64(pgName),
          username: b64(pgName),
          password: b64(password),
          uri: b64(uri),
        },
      },
      { fieldManager: COMPOSITE_MANAGER, force: true },
    );

    const status = (xr.status ?? {}) as JsonObject;
    if (status.secretName && status.secretName !== spec.connectionSecretName) {
      this.deleteOwnedSecret(xr, String(status.secretName));
    }
    const wasReady = (
      status.conditions as unknown as Condition[] | undefined
    )?.some(c => c.type === 'Ready' && c.status === 'True');
    this.writeStatus(
      type,
      xr,
      {
        endpoint: `${server.host}:${server.port}`,
        database: pgName,
        secretName: spec.connectionSecretName,
      },
      [synced(xr.metadata.generation), available(xr.metadata.generation)],
    );
    if (roleCreated || databaseCreated) {
      this.event(
        xr,
        'Normal',
        'ComposeResources',
        `Successfully composed resources: role and database ${pgName}, Secret ${spec.connectionSecretName}`,
      );
    }
    if (!wasReady) {
      this.event(
        xr,
        'Normal',
        'Ready',
        `PostgreSQL database ${pgName} is available at ${server.host}:${server.port}`,
      );
    }
  }

  private selectComposition(
    type: ResourceType,
    xr: KubeObject,
    spec: XrSpec,
  ): string {
    const chosen = spec.crossplane?.compositionRef?.name;
    if (chosen) return chosen;
    const compositions = this.deps.store
      .list('apiextensions.crossplane.io', 'compositions')
      .filter(c => {
        const ref = (c.spec as JsonObject)?.compositeTypeRef as
          | JsonObject
          | undefined;
        return ref?.kind === type.kind;
      });
    let name: string | undefined;
    const selector = spec.crossplane?.compositionSelector?.matchLabels;
    if (selector) {
      name = compositions.find(c =>
        Object.entries(selector).every(
          ([k, v]) => c.metadata.labels?.[k] === v,
        ),
      )?.metadata.name;
      if (!name)
        throw new Error(
          `no Composition matches the selector ${JSON.stringify(selector)}`,
        );
    } else {
      const xrd = this.deps.store.get({
        group: 'apiextensions.crossplane.io',
        resource: 'compositeresourcedefinitions',
        name: `${type.resource}.${type.group}`,
      });
      const fallback = (
        (xrd?.spec as JsonObject)?.defaultCompositionRef as JsonObject
      )?.name;
      name =
        typeof fallback === 'string'
          ? fallback
          : compositions[0]?.metadata.name;
      if (!name) throw new Error('no Composition found for PostgreSQLInstance');
    }
    this.deps.service.patch(
      type,
      xr.metadata.namespace,
      xr.metadata.name!,
      'apply',
      {
        apiVersion: xr.apiVersion,
        kind: xr.kind,
        metadata: { name: xr.metadata.name, namespace: xr.metadata.namespace },
        spec: { crossplane: { compositionRef: { name } } },
      },
      { fieldManager: COMPOSITE_MANAGER, force: true },
    );
    this.event(
      xr,
      'Normal',
      'SelectComposition',
      `Successfully selected composition: ${name}`,
    );
    return name;
  }

  private connectionLimit(size: string): number {
    const env = this.deps.store.get({
      group: 'apiextensions.crossplane.io',
      resource: 'environmentconfigs',
      name: 'postgresql-sizes',
    });
    const shared = (env?.data as JsonObject | undefined)?.sharedServer as
      | JsonObject
      | undefined;
    const entry = shared?.[size];
    const limit = isObject(entry) ? Number(entry.connectionLimit) : NaN;
    return Number.isFinite(limit)
      ? limit
      : DEFAULT_CONNECTION_LIMITS[size] ?? 20;
  }

  private deleteOwnedSecret(xr: KubeObject, secretName: string) {
    const secretType = this.deps.registry.lookup('', 'v1', 'secrets')!;
    const secret = this.deps.service.find(
      secretType,
      xr.metadata.namespace,
      secretName,
    );
    if (
      secret?.metadata.ownerReferences?.some(r => r.uid === xr.metadata.uid)
    ) {
      this.deps.service.delete(secretType, xr.metadata.namespace, secretName);
    }
  }

  private writeStatus(
    type: ResourceType,
    xr: KubeObject,
    fields: JsonObject,
    conditions: Array<Omit<Condition, 'lastTransitionTime'>>,
  ) {
    const current = this.deps.service.find(
      type,
      xr.metadata.namespace,
      xr.metadata.name!,
    );
    if (!current) return;
    const status = { ...((current.status as JsonObject) ?? {}), ...fields };
    status.conditions = setConditions(
      status.conditions as unknown as Condition[] | undefined,
      conditions,
      now(),
    ) as unknown as JsonObject[];
    this.deps.service.update(
      type,
      xr.metadata.namespace,
      xr.metadata.name!,
      { ...current, status },
      {
        subresource: 'status',
        fieldManager: COMPOSITE_MANAGER,
      },
    );
  }

  private recordFailure(namespace: string, name: string, message: string) {
    const type = this.type();
    if (!type) return;
    const xr = this.deps.service.find(type, namespace, name);
    if (!xr || xr.metadata.deletionTimestamp) return;
    const ready = (xr.status as JsonObject | undefined)
      ?.conditions as unknown as Condition[] | undefined;
    const wasReady = ready?.some(
      c => c.type === 'Ready' && c.status === 'True',
    );
    this.writeStatus(type, xr, {}, [
      reconcileError(message, xr.metadata.generation),
      ...(wasReady
        ? []
        : [
            creating(
              `waiting for the composed resources: ${message}`,
              xr.metadata.generation,
            ),
          ]),
    ]);
    this.event(xr, 'Warning', 'ReconcileError', message);
  }

  /** Records a core/v1 Event on the XR, counting repeats instead of adding duplicates. */
  private event(
    xr: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ) {
    const eventType = this.deps.registry.lookup('', 'v1', 'events')!;
    const namespace = xr.metadata.namespace;
    const timestamp = now();
    const same = this.deps.service.list(eventType, namespace).items.find(e => {
      const involved = e.involvedObject as JsonObject | undefined;
      return (
        involved?.uid === xr.metadata.uid &&
        e.reason === reason &&
        e.message === message
      );
    });
    if (same) {
      this.deps.service.patch(
        eventType,
        namespace,
        same.metadata.name!,
        'merge',
        {
          count: Number(same.count ?? 1) + 1,
          lastTimestamp: timestamp,
        },
        { fieldManager: COMPOSITE_MANAGER },
      );
      return;
    }
    this.deps.service.create(
      eventType,
      namespace,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${xr.metadata.name}.${randomBytes(8).toString('hex')}`,
          namespace,
        },
        involvedObject: {
          apiVersion: xr.apiVersion,
          kind: xr.kind,
          name: xr.metadata.name!,
          namespace: namespace!,
          uid: xr.metadata.uid!,
        },
        reason,
        message,
        type,
        source: { component: 'local-control-plane/postgresqlinstance' },
        reportingComponent: 'local-control-plane/postgresqlinstance',
        reportingInstance: 'local',
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        count: 1,
      },
      { fieldManager: COMPOSITE_MANAGER },
    );
  }
}
