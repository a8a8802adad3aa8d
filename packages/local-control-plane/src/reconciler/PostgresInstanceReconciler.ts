import { randomBytes } from 'node:crypto';
import { ObjectService } from '../api/ObjectService';
import { clone, JsonObject, KubeObject } from '../api/objects';
import { ResourceType, ResourceTypeRegistry } from '../api/resourceTypes';
import { ApiError } from '../api/status';
import { autoReady, unreadyResources } from '../crossplane/autoReady';
import {
  ObservedComposed,
  renderComposition,
  RenderResult,
} from '../crossplane/composeRenderer';
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
  PROVIDER_SQL_GROUP,
  PROVIDER_SQL_RESOURCES,
  ProviderSql,
} from './providerSql';

/** Crossplane's finalizer on composite resources. */
export const COMPOSITE_FINALIZER = 'composite.apiextensions.crossplane.io';
/** The field manager Crossplane uses for what it writes on XRs and composed resources. */
export const COMPOSITE_MANAGER = 'apiextensions.crossplane.io/composite';
/** The default Composition (the only one whose managed resources run locally). */
export const SHARED_SERVER_COMPOSITION = 'postgresqlinstances-shared-server';
/** Crossplane's annotation naming a composed resource in its Composition. */
export const RESOURCE_NAME_ANNOTATION =
  'crossplane.io/composition-resource-name';

const GROUP = 'platform.fernhill.io';
const RESOURCE = 'postgresqlinstances';
const MAX_BACKOFF_MS = 30_000;
const CONCURRENCY = 8;
/** Render/apply/provider rounds per reconcile before waiting for the next one. */
const MAX_PASSES = 5;
/** Drift (a database dropped by hand, a changed password) is repaired at least this often. */
const RESYNC_MS = 5 * 60_000;
/** Queue keys of managed resources being deleted: `mr/<resource>/<namespace>/<name>`. */
const MR_KEY = 'mr/';
/** Queue keys of namespaces whose in-use objects are checked: `in-use/<namespace>`. */
const IN_USE_KEY = 'in-use/';
const USAGE_API_VERSION = 'protection.crossplane.io/v1beta1';
/**
 * Crossplane's Usage webhook rejects deleting an object in use; locally the used object carries this
 * finalizer (and the user in USED_BY) instead, released once the using object is gone, which is what
 * `replayDeletion: true` gives on a real cluster.
 */
export const IN_USE_FINALIZER = 'local-control-plane.crossplane.io/in-use';
const USED_BY = 'local-control-plane.crossplane.io/used-by';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

interface XrSpec {
  crossplane?: {
    compositionRef?: { name: string };
    compositionSelector?: { matchLabels: Record<string, string> };
  };
}

/**
 * Crossplane for PostgreSQLInstance XRs, driven by the Compositions in `crossplane/`: it selects the
 * Composition, renders its function-go-templating step with Go (go/compose-render), applies the
 * rendered resources to the XR's namespace as composed resources (owned by the XR), lets provider-sql
 * act on the managed ones against PostgreSQL ({@link ProviderSql}), and sets the XR's status and
 * readiness as function-auto-ready and Crossplane do. Deleting an XR releases its finalizer; the
 * garbage collector deletes the composed resources and provider-sql honours their management
 * policies. Keys are processed one at a time each (a change during a run queues one more run),
 * failures retry with exponential backoff, and every step is idempotent.
 */
export class PostgresInstanceReconciler {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly notReady = new Map<string, number>();
  /** The XR version each key's last reconcile left behind: its own writes need no new reconcile. */
  private readonly settled = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private unsubscribe?: () => void;
  private resync?: NodeJS.Timeout;
  private stopped = false;
  private readonly deps: {
    store: ObjectStore;
    registry: ResourceTypeRegistry;
    service: ObjectService;
    server: PostgresServer;
    logger: (line: string) => void;
    providerSql: ProviderSql;
  };

  constructor(deps: {
    store: ObjectStore;
    registry: ResourceTypeRegistry;
    service: ObjectService;
    server: PostgresServer;
    logger: (line: string) => void;
  }) {
    this.deps = { ...deps, providerSql: new ProviderSql(deps) };
  }

  private type(): ResourceType | undefined {
    return this.deps.registry
      .all()
      .find(t => t.group === GROUP && t.resource === RESOURCE);
  }

  start() {
    this.unsubscribe = this.deps.store.subscribe((event: StoreEvent) => {
      const meta = event.object.metadata;
      if (
        event.group === GROUP &&
        event.resource === RESOURCE &&
        event.type !== 'DELETED'
      ) {
        this.enqueue(`${meta.namespace}/${meta.name}`);
      }
      // provider-sql finishes the deletion of its managed resources (the garbage collector marks them).
      if (
        event.group === PROVIDER_SQL_GROUP &&
        event.type !== 'DELETED' &&
        meta.deletionTimestamp
      ) {
        this.enqueue(
          `${MR_KEY}${event.resource}/${meta.namespace}/${meta.name}`,
        );
      }
      // A using object is gone: release what it used.
      if (event.group === PROVIDER_SQL_GROUP && event.type === 'DELETED') {
        this.enqueue(`${IN_USE_KEY}${meta.namespace}`);
      }
      // A changed Composition recomposes the XRs that use it, as Crossplane's default composition
      // update policy (Automatic) moves them to the new revision.
      if (
        event.group === 'apiextensions.crossplane.io' &&
        event.resource === 'compositions' &&
        event.type !== 'DELETED'
      ) {
        for (const xr of this.deps.store.list(GROUP, RESOURCE)) {
          const spec = xr.spec as XrSpec | undefined;
          if (spec?.crossplane?.compositionRef?.name !== meta.name) continue;
          const key = `${xr.metadata.namespace}/${xr.metadata.name}`;
          this.settled.delete(key);
          this.enqueue(key);
        }
      }
      // A deleted composed resource is composed again.
      const owner = meta.ownerReferences?.find(
        r => r.controller && r.kind === 'PostgreSQLInstance',
      );
      if (event.type === 'DELETED' && owner) {
        this.settled.delete(`${meta.namespace}/${owner.name}`);
        this.enqueue(`${meta.namespace}/${owner.name}`);
      }
    });
    const enqueueAll = () => {
      this.settled.clear();
      for (const xr of this.deps.store.list(GROUP, RESOURCE)) {
        this.enqueue(`${xr.metadata.namespace}/${xr.metadata.name}`);
      }
      for (const resource of PROVIDER_SQL_RESOURCES) {
        for (const mr of this.deps.store.list(PROVIDER_SQL_GROUP, resource)) {
          if (mr.metadata.deletionTimestamp) {
            this.enqueue(
              `${MR_KEY}${resource}/${mr.metadata.namespace}/${mr.metadata.name}`,
            );
          }
        }
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
    if (key.startsWith(MR_KEY)) {
      await this.reconcileDeletedManaged(key);
      return;
    }
    if (key.startsWith(IN_USE_KEY)) {
      this.releaseUnused(key.slice(IN_USE_KEY.length));
      return;
    }
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

  /** provider-sql's side of deleting a managed resource; retried with backoff until it succeeds. */
  private async reconcileDeletedManaged(key: string) {
    const [resource, namespace, name] = key.slice(MR_KEY.length).split('/');
    const type = this.deps.registry
      .all()
      .find(t => t.group === PROVIDER_SQL_GROUP && t.resource === resource);
    const mr = type && this.deps.service.find(type, namespace, name);
    if (!mr?.metadata.deletionTimestamp) return;
    try {
      await this.deps.providerSql.reconcile(resource, mr);
      this.failures.delete(key);
    } catch (error) {
      // A role that still owns a database cannot be dropped until the Database is gone, as on a
      // real cluster where the three deletions race.
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      if (attempts > 2) {
        this.deps.logger(
          `deleting ${key} failed (attempt ${attempts}): ${
            (error as Error).message
          }`,
        );
      }
      this.enqueue(key, Math.min(MAX_BACKOFF_MS, 100 * 2 ** (attempts - 1)));
    }
  }

  /** One reconcile pass for an XR; safe to run any number of times. */
  async reconcile(namespace: string, name: string): Promise<void> {
    const type = this.type();
    if (!type) return;
    const { service } = this.deps;
    let xr = service.find(type, namespace, name);
    if (!xr) return;

    if (xr.metadata.deletionTimestamp) {
      // As Crossplane: release the finalizer. Kubernetes' garbage collector then deletes the composed
      // resources (unless the XR was deleted with propagationPolicy Orphan), and each provider acts
      // on its managed resource's management policies (deletionPolicy Orphan keeps the database).
      if (!xr.metadata.finalizers?.includes(COMPOSITE_FINALIZER)) return;
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

    // Nothing changed since this reconciler left the XR Ready (its own status write, for one).
    if (
      this.settled.get(`${namespace}/${name}`) === xr.metadata.resourceVersion
    ) {
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

    const compositionName = this.selectComposition(
      type,
      xr,
      xr.spec as unknown as XrSpec,
    );
    // Selecting the Composition writes spec.crossplane (a new generation): report on that one.
    xr = service.find(type, namespace, name) ?? xr;
    const composition = this.deps.store.get({
      group: 'apiextensions.crossplane.io',
      resource: 'compositions',
      name: compositionName,
    });
    if (!composition) {
      throw new Error(`cannot get Composition ${compositionName}: not found`);
    }
    const context = this.pipelineContext(composition);

    // What Crossplane spreads over several reconciles (render, apply, the providers act, render again
    // with what they published) runs here until the rendered state stops changing.
    let result: RenderResult | undefined;
    let observed: Record<string, ObservedComposed> = {};
    let previous = '';
    const created: string[] = [];
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      observed = this.observeComposed(xr);
      result = await renderComposition({ composition, xr, observed, context });
      this.assertRunnable(compositionName, result);
      created.push(...this.applyComposed(xr, result, observed));
      this.removeUndesired(xr, result, observed);
      for (const composed of result.order) {
        const stored = this.findComposed(
          xr,
          result.resources[composed].resource,
        );
        const resource = stored && this.managedResource(stored.type);
        if (stored && resource) {
          await this.deps.providerSql.reconcile(resource, stored.object);
        }
      }
      const signature = JSON.stringify([
        result,
        Object.entries(this.observeComposed(xr)).map(([k, o]) => [
          k,
          o.connectionDetails,
          (o.resource.status as JsonObject | undefined)?.conditions,
        ]),
      ]);
      if (signature === previous) break;
      previous = signature;
    }

    observed = this.observeComposed(xr);
    const ready = autoReady(result!.resources, observed);
    this.settled.delete(`${namespace}/${name}`);
    const unready = unreadyResources(ready);
    const status = (xr.status ?? {}) as JsonObject;
    const wasReady = (
      status.conditions as unknown as Condition[] | undefined
    )?.some(c => c.type === 'Ready' && c.status === 'True');
    this.writeStatus(type, xr, result!.compositeStatus, [
      synced(xr.metadata.generation),
      unready.length
        ? creating(
            `Unready resources: ${unready.join(', ')}`,
            xr.metadata.generation,
          )
        : available(xr.metadata.generation),
    ]);
    if (created.length) {
      this.event(
        xr,
        'Normal',
        'ComposeResources',
        `Successfully composed resources: ${created.join(', ')}`,
      );
    }
    if (unready.length) {
      // Crossplane polls until the composed resources are ready.
      const key = `${namespace}/${name}`;
      const attempts = (this.notReady.get(key) ?? 0) + 1;
      this.notReady.set(key, attempts);
      this.enqueue(key, Math.min(MAX_BACKOFF_MS, 250 * 2 ** (attempts - 1)));
      return;
    }
    this.notReady.delete(`${namespace}/${name}`);
    const settled = service.find(type, namespace, name);
    if (settled?.metadata.resourceVersion) {
      this.settled.set(
        `${namespace}/${name}`,
        settled.metadata.resourceVersion,
      );
    }
    if (!wasReady) {
      const endpoint = result!.compositeStatus.endpoint;
      this.event(
        xr,
        'Normal',
        'Ready',
        `All composed resources are ready${
          endpoint ? `: PostgreSQL at ${endpoint}` : ''
        }`,
      );
    }
  }

  /** The pipeline context function-environment-configs builds from the referenced EnvironmentConfigs. */
  private pipelineContext(composition: KubeObject): JsonObject {
    const pipeline = ((composition.spec as JsonObject)?.pipeline ??
      []) as JsonObject[];
    const environment: JsonObject = {};
    for (const step of pipeline) {
      if (
        (step.functionRef as JsonObject)?.name !==
        'function-environment-configs'
      )
        continue;
      const refs = (((step.input as JsonObject)?.spec as JsonObject)
        ?.environmentConfigs ?? []) as JsonObject[];
      for (const ref of refs) {
        const configName = (ref.ref as JsonObject | undefined)?.name;
        if (ref.type !== 'Reference' || typeof configName !== 'string')
          continue;
        const config = this.deps.store.get({
          group: 'apiextensions.crossplane.io',
          resource: 'environmentconfigs',
          name: configName,
        });
        if (!config)
          throw new Error(
            `cannot get EnvironmentConfig ${configName}: not found`,
          );
        Object.assign(environment, config.data as JsonObject);
      }
    }
    return {
      'apiextensions.crossplane.io/environment': {
        apiVersion: 'internal.crossplane.io/v1alpha1',
        kind: 'Environment',
        ...environment,
      },
    };
  }

  /** Refuses resources no local provider serves (the RDS Composition's Instance). */
  private assertRunnable(composition: string, result: RenderResult) {
    for (const d of Object.values(result.resources)) {
      const { apiVersion, kind } = d.resource;
      if (apiVersion === 'v1') continue;
      if (apiVersion.startsWith(`${PROVIDER_SQL_GROUP}/`)) continue;
      if (apiVersion === USAGE_API_VERSION && kind === 'Usage') continue;
      throw new Error(
        `composition ${composition} cannot run on the local control plane: no provider serves ${apiVersion} ${kind} here (only provider-sql's ${PROVIDER_SQL_GROUP} and core Secrets)`,
      );
    }
  }

  private managedResource(type: ResourceType): string | undefined {
    return type.group === PROVIDER_SQL_GROUP &&
      PROVIDER_SQL_RESOURCES.includes(type.resource)
      ? type.resource
      : undefined;
  }

  private findComposed(xr: KubeObject, resource: KubeObject) {
    const type = this.deps.registry.byKind(resource.apiVersion, resource.kind);
    if (!type) return undefined;
    const object = this.deps.service.find(
      type,
      xr.metadata.namespace,
      resource.metadata.name!,
    );
    return object ? { type, object } : undefined;
  }

  /** The XR's composed resources as Crossplane observes them, with their connection details. */
  private observeComposed(xr: KubeObject): Record<string, ObservedComposed> {
    const observed: Record<string, ObservedComposed> = {};
    const secretType = this.deps.registry.lookup('', 'v1', 'secrets')!;
    for (const entry of this.deps.store.listNamespace(xr.metadata.namespace!)) {
      const meta = entry.object.metadata;
      const name = meta.annotations?.[RESOURCE_NAME_ANNOTATION];
      if (
        !name ||
        !meta.ownerReferences?.some(
          r => r.uid === xr.metadata.uid && r.controller,
        )
      ) {
        continue;
      }
      const type = this.deps.service.typeResolver(entry.group, entry.resource);
      if (!type) continue;
      const object = this.deps.service.find(type, meta.namespace, meta.name!);
      if (!object) continue;
      const ref = (
        (object.spec as JsonObject | undefined)?.writeConnectionSecretToRef as
          | JsonObject
          | undefined
      )?.name;
      const secret =
        typeof ref === 'string'
          ? this.deps.service.find(secretType, meta.namespace, ref)
          : undefined;
      observed[name] = {
        resource: object,
        ...(secret?.data
          ? { connectionDetails: secret.data as Record<string, string> }
          : {}),
      };
    }
    return observed;
  }

  /** Server-side applies the rendered resources as Crossplane does; returns the names it created. */
  private applyComposed(
    xr: KubeObject,
    result: RenderResult,
    observed: Record<string, ObservedComposed>,
  ): string[] {
    const created: string[] = [];
    for (const name of result.order) {
      const desired = clone(result.resources[name].resource);
      const type = this.deps.registry.byKind(desired.apiVersion, desired.kind);
      if (!type) {
        throw new Error(
          `cannot compose ${desired.kind} ${desired.metadata.name}: no type ${desired.apiVersion} ${desired.kind} is served`,
        );
      }
      const existing = this.deps.service.find(
        type,
        xr.metadata.namespace,
        desired.metadata.name!,
      );
      if (
        existing &&
        !existing.metadata.ownerReferences?.some(
          r => r.uid === xr.metadata.uid && r.controller,
        )
      ) {
        throw new Error(
          `cannot compose ${desired.kind} ${desired.metadata.name}: it already exists and is not controlled by this ${xr.kind}`,
        );
      }
      desired.metadata = {
        ...desired.metadata,
        namespace: xr.metadata.namespace,
        labels: {
          ...desired.metadata.labels,
          'crossplane.io/composite': xr.metadata.name!,
        },
        annotations: {
          ...desired.metadata.annotations,
          [RESOURCE_NAME_ANNOTATION]: name,
        },
        ownerReferences: [
          {
            apiVersion: xr.apiVersion,
            kind: xr.kind,
            name: xr.metadata.name!,
            uid: xr.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      };
      this.deps.service.patch(
        type,
        xr.metadata.namespace,
        desired.metadata.name!,
        'apply',
        desired,
        { fieldManager: COMPOSITE_MANAGER, force: true },
      );
      if (!existing && !observed[name]) created.push(name);
      if (
        desired.apiVersion === USAGE_API_VERSION &&
        desired.kind === 'Usage'
      ) {
        this.markInUse(xr.metadata.namespace!, desired.spec as JsonObject);
      }
    }
    return created;
  }

  /** Usage: the `of` object is kept (finalizer) while the `by` object exists. */
  private markInUse(namespace: string, usage: JsonObject) {
    const of = usage.of as JsonObject | undefined;
    const by = usage.by as JsonObject | undefined;
    const ofName = (of?.resourceRef as JsonObject | undefined)?.name;
    const byName = (by?.resourceRef as JsonObject | undefined)?.name;
    if (
      !of ||
      !by ||
      typeof ofName !== 'string' ||
      typeof byName !== 'string'
    ) {
      throw new Error(
        'a Usage needs of.resourceRef.name and by.resourceRef.name locally',
      );
    }
    const type = this.deps.registry.byKind(
      String(of.apiVersion),
      String(of.kind),
    );
    const target = type && this.deps.service.find(type, namespace, ofName);
    if (!type || !target || target.metadata.deletionTimestamp) return;
    const user = `${by.apiVersion}/${by.kind}/${byName}`;
    if (
      target.metadata.finalizers?.includes(IN_USE_FINALIZER) &&
      target.metadata.annotations?.[USED_BY] === user
    ) {
      return;
    }
    this.deps.service.patch(
      type,
      namespace,
      ofName,
      'merge',
      {
        metadata: {
          annotations: { [USED_BY]: user },
          finalizers: [
            ...(target.metadata.finalizers ?? []).filter(
              f => f !== IN_USE_FINALIZER,
            ),
            IN_USE_FINALIZER,
          ],
          resourceVersion: target.metadata.resourceVersion,
        },
      },
      { fieldManager: COMPOSITE_MANAGER },
    );
  }

  /** Releases objects in a namespace whose user no longer exists. */
  private releaseUnused(namespace: string) {
    for (const entry of this.deps.store.listNamespace(namespace)) {
      const meta = entry.object.metadata;
      const user = meta.annotations?.[USED_BY];
      if (!meta.finalizers?.includes(IN_USE_FINALIZER) || !user) continue;
      const slash = user.lastIndexOf('/');
      const kindSlash = user.lastIndexOf('/', slash - 1);
      const userType = this.deps.registry.byKind(
        user.slice(0, kindSlash),
        user.slice(kindSlash + 1, slash),
      );
      if (
        userType &&
        this.deps.service.find(userType, namespace, user.slice(slash + 1))
      ) {
        continue;
      }
      const type = this.deps.service.typeResolver(entry.group, entry.resource);
      if (!type) continue;
      this.deps.service.patch(
        type,
        namespace,
        meta.name!,
        'merge',
        {
          metadata: {
            finalizers: meta.finalizers.filter(f => f !== IN_USE_FINALIZER),
            resourceVersion: meta.resourceVersion,
          },
        },
        { fieldManager: COMPOSITE_MANAGER },
      );
    }
  }

  /** Deletes composed resources the Composition no longer renders. */
  private removeUndesired(
    xr: KubeObject,
    result: RenderResult,
    observed: Record<string, ObservedComposed>,
  ) {
    for (const [name, o] of Object.entries(observed)) {
      if (result.resources[name]) continue;
      const type = this.deps.registry.byKind(
        o.resource.apiVersion,
        o.resource.kind,
      );
      if (!type) continue;
      try {
        this.deps.service.delete(
          type,
          xr.metadata.namespace,
          o.resource.metadata.name!,
        );
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
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
