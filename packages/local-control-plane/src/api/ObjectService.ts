import { randomBytes, randomUUID } from 'node:crypto';
import { parseFieldSelector, parseLabelSelector } from './labelSelector';
import { recordUpdate, Scope, serverSideApply } from './managedFields';
import {
  clone,
  deepEqual,
  hasObjectMeta,
  isObject,
  KubeObject,
} from './objects';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from './patches';
import { ResourceType } from './resourceTypes';
import { validateCelRules } from './celValidation';
import {
  applyDefaults,
  pruneUnknownFields,
  validateAgainstSchema,
  validateName,
} from './schemaValidation';
import { ApiError, errors, StatusCause } from './status';
import { validateObjectMeta } from './metadataValidation';
import { ObjectStore } from '../store/ObjectStore';

/** Options every write accepts (the query parameters of the Kubernetes API). */
export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** Strict rejects unknown fields, Warn reports them, Ignore prunes silently (the default). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  subresource?: 'status';
}

/** The outcome of a write: the stored object, whether it was created, and warnings for the client. */
export interface WriteResult {
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

/** How dependents are treated when their owner is deleted (DeleteOptions.propagationPolicy). */
export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** Options of a delete (the DeleteOptions body and query parameters). */
export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { resourceVersion?: string; uid?: string };
  propagationPolicy?: PropagationPolicy;
}

/**
 * The finalizers by which kube-apiserver records a deletion's propagation policy on the object, for
 * the garbage collector to carry out: `orphan` (dependents lose their ownerReference to it and
 * survive) and `foregroundDeletion` (dependents are deleted first, the owner last).
 * https://kubernetes.io/docs/concepts/architecture/garbage-collection/#cascading-deletion
 */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Patch media types the API accepts. */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * What a dry-run create returns: the object as it would be stored, with the uid, creationTimestamp
 * and generation the server assigns (a dry run goes through the storage layer up to the write),
 * but no resourceVersion.
 */
function dryRunCreated(obj: KubeObject): KubeObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      uid: randomUUID(),
      creationTimestamp: now(),
      generation: 1,
    },
  };
}

const listKey = (o: KubeObject) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * `limit` and `continue` of a list: a page of at most `limit` items after the continue token's
 * key, with `metadata.continue` and `remainingItemCount` when more remain. kube-apiserver serves
 * every page from the first page's etcd revision; this store keeps no snapshots, so later pages
 * show the current state after the last key (objects are never repeated or skipped, but changes
 * made between pages are visible).
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks
 */
function paginate(
  items: KubeObject[],
  limit: number | undefined,
  token: string | undefined,
): { items: KubeObject[]; continue?: string; remainingItemCount?: number } {
  let rest = items;
  if (token) {
    let start: unknown;
    try {
      start = JSON.parse(
        Buffer.from(token, 'base64url').toString('utf8'),
      ).start;
    } catch {
      start = undefined;
    }
    if (typeof start !== 'string') {
      throw errors.badRequest('continue key is not valid: malformed token');
    }
    rest = items.filter(o => listKey(o).localeCompare(start as string) > 0);
  }
  if (limit === undefined || limit <= 0 || rest.length <= limit) {
    return { items: rest };
  }
  const page = rest.slice(0, limit);
  return {
    items: page,
    continue: Buffer.from(
      JSON.stringify({ v: 'meta.k8s.io/v1', start: listKey(page[limit - 1]) }),
    ).toString('base64url'),
    remainingItemCount: rest.length - limit,
  };
}

/**
 * Drops empty label, annotation, finalizer and ownerReference collections: ObjectMeta declares them
 * `omitempty`, so kube-apiserver never stores or returns `annotations: {}` (kubectl diff sends that
 * in every patch and would otherwise always see a difference).
 */
function dropEmptyMetadata(obj: KubeObject) {
  for (const key of [
    'labels',
    'annotations',
    'finalizers',
    'ownerReferences',
  ]) {
    const value = obj.metadata[key];
    if (
      (Array.isArray(value) && value.length === 0) ||
      (isObject(value) && Object.keys(value).length === 0) ||
      value === null
    ) {
      delete obj.metadata[key];
    }
  }
}

/**
 * Whether a write leaves an object as it was, but for the times of its managedFields entries. Such a
 * write is a no-op, as in kube-apiserver: no new resourceVersion and the previous times kept.
 * managedFields.ts keeps a manager's previous time when the object does not change, but it compares
 * the object before admission and dropEmptyMetadata normalise it (an apply configuration with
 * `labels: {}` looks like a change until the empty map is dropped), so it may stamp a new time on an
 * identical write. The time has second resolution, so that new time differed from the stored one
 * only when the write came in a later second: identical applies bumped resourceVersion now and then.
 */
function unchangedApartFromOwnershipTimes(
  current: KubeObject,
  next: KubeObject,
): boolean {
  const withoutTimes = (obj: KubeObject) => ({
    ...obj,
    metadata: {
      ...obj.metadata,
      managedFields: obj.metadata.managedFields?.map(
        ({ time: _time, ...entry }) => entry,
      ),
    },
  });
  return deepEqual(withoutTimes(current), withoutTimes(next));
}

const apiVersionOf = (type: ResourceType) =>
  type.group ? `${type.group}/${type.version}` : type.version;

/**
 * The semantics of the Kubernetes API for every served type, independent of HTTP: validation and
 * defaulting from CRD schemas, optimistic concurrency, field ownership and server-side apply,
 * finalizers, and deletion of dependents. The HTTP layer and the in-process controllers both use it.
 */
export class ObjectService {
  constructor(private readonly store: ObjectStore) {}

  private ref(type: ResourceType, namespace: string | undefined, name: string) {
    return {
      group: type.group,
      resource: type.resource,
      namespace: type.namespaced ? namespace : undefined,
      name,
    };
  }

  private withTypeMeta(type: ResourceType, obj: KubeObject): KubeObject {
    return { ...obj, apiVersion: apiVersionOf(type), kind: type.kind };
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.store.get(this.ref(type, namespace, name));
    if (!obj) throw errors.notFound(type.resource, type.group, name);
    return this.withTypeMeta(type, obj);
  }

  find(type: ResourceType, namespace: string | undefined, name: string) {
    const obj = this.store.get(this.ref(type, namespace, name));
    return obj ? this.withTypeMeta(type, obj) : undefined;
  }

  list(
    type: ResourceType,
    namespace: string | undefined,
    selectors: {
      labelSelector?: string;
      fieldSelector?: string;
      limit?: number;
      continue?: string;
    } = {},
  ): {
    items: KubeObject[];
    resourceVersion: string;
    continue?: string;
    remainingItemCount?: number;
  } {
    const byLabel = parseLabelSelector(selectors.labelSelector);
    const byField = parseFieldSelector(selectors.fieldSelector, type);
    const all = this.store
      .list(type.group, type.resource, type.namespaced ? namespace : undefined)
      .filter(o => byLabel(o.metadata.labels) && byField(o))
      .map(o => this.withTypeMeta(type, o));
    const resourceVersion = String(this.store.resourceVersion);
    const page = paginate(all, selectors.limit, selectors.continue);
    return { ...page, resourceVersion };
  }

  /** Validates, defaults and prunes an object of `type` before it is stored. */
  private admit(
    type: ResourceType,
    obj: KubeObject,
    options: WriteOptions,
    previous?: KubeObject,
  ): string[] {
    const warnings: string[] = [];
    const causes: StatusCause[] = [
      ...validateName(obj.metadata.name, type.resource === 'namespaces'),
      ...validateObjectMeta(obj.metadata),
    ];
    if (type.group === '' && type.resource === 'secrets') {
      this.admitSecret(obj, causes);
    }
    if (
      type.group === '' &&
      type.resource === 'namespaces' &&
      !obj.metadata.deletionTimestamp
    ) {
      obj.status = { phase: 'Active' };
    }
    if (type.schema) {
      const unknown = pruneUnknownFields(obj, type.schema);
      if (unknown.length && options.fieldValidation === 'Strict') {
        throw errors.badRequest(
          `strict decoding error: ${unknown
            .map(f => `unknown field "${f}"`)
            .join(', ')}`,
        );
      }
      if (unknown.length && options.fieldValidation === 'Warn') {
        warnings.push(...unknown.map(f => `unknown field "${f}"`));
      }
      applyDefaults(obj, type.schema);
      const schemaCauses = validateAgainstSchema(obj, type.schema);
      causes.push(...schemaCauses);
      // As the API server: CEL rules run only on objects that pass the structural schema.
      if (!schemaCauses.length) {
        causes.push(...validateCelRules(obj, type.schema, previous));
      }
    }
    if (causes.length) {
      throw errors.invalid(
        type.kind,
        type.group,
        obj.metadata.name ?? '',
        causes,
      );
    }
    return warnings;
  }

  private admitSecret(obj: KubeObject, causes: StatusCause[]) {
    const data: Record<string, string> = {
      ...((obj.data as Record<string, string>) ?? {}),
    };
    for (const [k, v] of Object.entries(
      (obj.stringData as Record<string, string>) ?? {},
    )) {
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    }
    delete obj.stringData;
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'Invalid value: illegal base64 data',
          field: `data[${k}]`,
        });
      }
    }
    if (Object.keys(data).length) obj.data = data;
    obj.type = obj.type ?? 'Opaque';
  }

  private assertNamespaceUsable(
    type: ResourceType,
    namespace: string | undefined,
  ) {
    if (!type.namespaced) return;
    if (!namespace)
      throw errors.badRequest('a namespace is required for this resource');
    const ns = this.store.get({
      group: '',
      resource: 'namespaces',
      name: namespace,
    });
    if (!ns) throw errors.notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private checkIdentity(
    type: ResourceType,
    namespace: string | undefined,
    name: string | undefined,
    body: KubeObject,
  ) {
    if (!isObject(body) || !isObject(body.metadata)) {
      throw errors.badRequest("Object 'metadata' is missing");
    }
    if (body.kind && body.kind !== type.kind) {
      throw errors.badRequest(
        `the kind of the provided object (${body.kind}) does not match the resource (${type.kind})`,
      );
    }
    if (
      type.namespaced &&
      body.metadata.namespace &&
      body.metadata.namespace !== namespace
    ) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (
      name !== undefined &&
      body.metadata.name &&
      body.metadata.name !== name
    ) {
      throw errors.badRequest(
        'the name of the object does not match the name on the URL',
      );
    }
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    options: WriteOptions = {},
  ): WriteResult {
    this.checkIdentity(type, namespace, undefined, body);
    const obj = this.withTypeMeta(type, clone(body));
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomBytes(3)
        .toString('hex')
        .slice(0, 5)}`;
    }
    if (type.namespaced) obj.metadata.namespace = namespace;
    else delete obj.metadata.namespace;
    for (const f of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'generation',
      'managedFields',
    ]) {
      delete obj.metadata[f];
    }
    if (type.statusSubresource) delete obj.status;
    dropEmptyMetadata(obj);
    const warnings = this.admit(type, obj, options);
    this.assertNamespaceUsable(type, namespace);
    if (this.store.get(this.ref(type, namespace, obj.metadata.name!))) {
      throw errors.alreadyExists(type.resource, type.group, obj.metadata.name!);
    }
    const owned = recordUpdate({
      before: undefined,
      after: obj,
      manager: options.fieldManager ?? 'unknown',
      scope: 'main',
      statusIsSubresource: type.statusSubresource,
      now: now(),
    });
    if (options.dryRun) {
      return { object: dryRunCreated(owned), created: true, warnings };
    }
    const stored = this.store.create(type.group, type.resource, owned);
    return { object: this.withTypeMeta(type, stored), created: true, warnings };
  }

  /** Replaces an object (PUT), or only its status when `subresource` is status. */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: WriteOptions = {},
  ): WriteResult {
    this.checkIdentity(type, namespace, name, body);
    const current = this.get(type, namespace, name);
    if (type.custom && !body.metadata.resourceVersion) {
      // Custom resources do not allow unconditional updates (the CRD strategy's
      // AllowUnconditionalUpdate is false); most built-in kinds do.
      throw errors.invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    const incoming = this.withTypeMeta(type, clone(body));
    return this.commit(type, current, incoming, options, 'Update');
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: WriteOptions & { force?: boolean } = {},
  ): WriteResult {
    if (patchType === 'apply') {
      return this.apply(type, namespace, name, patch as KubeObject, options);
    }
    if (patchType === 'strategic' && type.custom) {
      // Strategic merge needs the Go types' patch metadata, which custom resources do not have.
      throw errors.unsupportedMediaType(
        'application/strategic-merge-patch+json',
      );
    }
    const current = this.get(type, namespace, name);
    let patched: unknown;
    if (patchType === 'json') patched = applyJsonPatch(current, patch);
    else if (patchType === 'strategic')
      patched = applyStrategicMergePatch(current, patch);
    else patched = applyMergePatch(current, patch);
    if (!hasObjectMeta(patched)) {
      throw errors.badRequest("the patch removed the object's metadata");
    }
    const incoming = this.withTypeMeta(type, patched);
    if (incoming.metadata.name !== name) {
      throw errors.badRequest(
        'the name of the object cannot be changed by a patch',
      );
    }
    return this.commit(type, current, incoming, options, 'Update');
  }

  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    config: KubeObject,
    options: WriteOptions & { force?: boolean },
  ): WriteResult {
    if (!options.fieldManager) {
      throw errors.badRequest(
        'PATCH, application/apply-patch+yaml: fieldManager is required for apply requests',
      );
    }
    this.checkIdentity(type, namespace, name, config);
    if (!config.apiVersion || !config.kind) {
      throw errors.badRequest(
        'apiVersion and kind must be set in an apply configuration',
      );
    }
    const current = this.find(type, namespace, name);
    const scope: Scope = options.subresource === 'status' ? 'status' : 'main';
    if (!current && scope === 'status') {
      throw errors.notFound(type.resource, type.group, name);
    }
    const rv = config.metadata.resourceVersion;
    if (current && rv && rv !== current.metadata.resourceVersion) {
      throw errors.conflict(
        type.resource,
        type.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const configObj = clone(config);
    configObj.metadata = {
      ...configObj.metadata,
      name,
      ...(type.namespaced ? { namespace } : {}),
    };
    const merged = serverSideApply({
      current,
      config: configObj,
      manager: options.fieldManager,
      force: options.force ?? false,
      scope,
      statusIsSubresource: type.statusSubresource,
      now: now(),
      resource: type.resource,
      group: type.group,
    });
    const result = this.withTypeMeta(type, merged);
    dropEmptyMetadata(result);
    if (!current) {
      if (type.namespaced) result.metadata.namespace = namespace;
      const warnings = this.admit(type, result, options);
      this.assertNamespaceUsable(type, namespace);
      if (options.dryRun) {
        return { object: dryRunCreated(result), created: true, warnings };
      }
      const stored = this.store.create(type.group, type.resource, result);
      return {
        object: this.withTypeMeta(type, stored),
        created: true,
        warnings,
      };
    }
    return this.persist(type, current, result, options);
  }

  /** Common path of PUT and non-apply PATCH: scope to main/status, check resourceVersion, record ownership. */
  private commit(
    type: ResourceType,
    current: KubeObject,
    incoming: KubeObject,
    options: WriteOptions,
    _operation: 'Update',
  ): WriteResult {
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw errors.conflict(
        type.resource,
        type.group,
        current.metadata.name!,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    let next: KubeObject;
    const scope: Scope = options.subresource === 'status' ? 'status' : 'main';
    if (scope === 'status') {
      next = clone(current);
      next.status = clone(incoming.status);
    } else {
      next = clone(incoming);
      // Server-owned metadata is never taken from the client.
      for (const f of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'generation',
        'managedFields',
        'namespace',
        'name',
      ]) {
        if (current.metadata[f] !== undefined)
          next.metadata[f] = current.metadata[f];
        else delete next.metadata[f];
      }
      if (type.statusSubresource) {
        if (current.status !== undefined) next.status = clone(current.status);
        else delete next.status;
      }
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    dropEmptyMetadata(next);
    const owned = recordUpdate({
      before: this.withSuppliedManagedFields(current, incoming, scope),
      after: next,
      manager: options.fieldManager ?? 'unknown',
      scope,
      statusIsSubresource: type.statusSubresource,
      now: now(),
    });
    return this.persist(type, current, owned, options);
  }

  /**
   * A write that changes metadata.managedFields sets them, as kube-apiserver allows (its field
   * manager decodes the managedFields of the request when present and non-empty, the live ones
   * otherwise). `kubectl apply --server-side` relies on it to take over the fields of
   * `kubectl-client-side-apply` (a JSON patch replacing managedFields) before it applies.
   */
  private withSuppliedManagedFields(
    current: KubeObject,
    incoming: KubeObject,
    scope: Scope,
  ): KubeObject {
    const supplied = incoming.metadata.managedFields;
    if (
      scope !== 'main' ||
      !Array.isArray(supplied) ||
      supplied.length === 0 ||
      deepEqual(supplied, current.metadata.managedFields)
    ) {
      return current;
    }
    const valid = supplied.every(
      e =>
        isObject(e) &&
        typeof e.manager === 'string' &&
        (e.operation === 'Apply' || e.operation === 'Update') &&
        isObject(e.fieldsV1),
    );
    if (!valid) {
      throw errors.invalid(current.kind, '', current.metadata.name ?? '', [
        {
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: each entry needs a manager, an operation (Apply or Update) and fieldsV1',
          field: 'metadata.managedFields',
        },
      ]);
    }
    return {
      ...current,
      metadata: { ...current.metadata, managedFields: clone(supplied) },
    };
  }

  private persist(
    type: ResourceType,
    current: KubeObject,
    next: KubeObject,
    options: WriteOptions,
  ): WriteResult {
    const warnings = this.admit(type, next, options, current);
    if (unchangedApartFromOwnershipTimes(current, next)) {
      return { object: current, created: false, warnings };
    }
    if (options.dryRun) {
      return { object: next, created: false, warnings };
    }
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
      this.finalize(type, next);
      return { object: next, created: false, warnings };
    }
    const stored = this.withTypeMeta(
      type,
      this.store.update(type.group, type.resource, next),
    );
    return {
      // A controller removing its finalizer may leave only the garbage collector's.
      object: stored.metadata.deletionTimestamp
        ? this.collectGarbage(type, stored)
        : stored,
      created: false,
      warnings,
    };
  }

  /**
   * Deletes an object. With finalizers (including the one recording the propagation policy) it only
   * gets a deletionTimestamp and controllers finish the job; without them it is removed and its
   * dependents (ownerReferences) are deleted in the background.
   */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const pre = options.preconditions ?? {};
    if (
      (pre.resourceVersion &&
        pre.resourceVersion !== current.metadata.resourceVersion) ||
      (pre.uid && pre.uid !== current.metadata.uid)
    ) {
      throw errors.conflict(
        type.resource,
        type.group,
        name,
        'the precondition for the delete operation does not hold',
      );
    }
    if (options.dryRun) return current;
    if (type.resource === 'namespaces' && type.group === '') {
      return this.deleteNamespace(current);
    }
    if (current.metadata.deletionTimestamp) return current;
    const policyFinalizer = {
      Orphan: ORPHAN_FINALIZER,
      Foreground: FOREGROUND_FINALIZER,
      Background: undefined,
    }[options.propagationPolicy ?? 'Background'];
    const finalizers = [
      ...(current.metadata.finalizers ?? []),
      ...(policyFinalizer ? [policyFinalizer] : []),
    ];
    if (!finalizers.length) return this.finalize(type, current);
    const marked = clone(current);
    marked.metadata.deletionTimestamp = now();
    marked.metadata.deletionGracePeriodSeconds = 0;
    marked.metadata.finalizers = [...new Set(finalizers)];
    const stored = this.withTypeMeta(
      type,
      this.store.update(type.group, type.resource, marked),
    );
    return this.collectGarbage(type, stored);
  }

  /**
   * Carries out the garbage collector's finalizers on an object being deleted. foregroundDeletion:
   * deletes the dependents, and is removed once no dependent with blockOwnerDeletion is left.
   * orphan: removes the ownerReferences to the object from its dependents, once it is the last
   * finalizer. kube-controller-manager may orphan earlier, while other finalizers are still pending;
   * waiting lets a controller here (the local reconciler) see the policy and keep what it composed
   * outside the API too (the database and role), as composed resources are kept on a real cluster.
   */
  private collectGarbage(type: ResourceType, obj: KubeObject): KubeObject {
    const ref = this.ref(type, obj.metadata.namespace, obj.metadata.name!);
    let current = obj;
    if (current.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) {
      this.collectDependents(current);
      const fresh = this.store.get(ref);
      // Removing the last dependent may already have finished this object (releaseOwners).
      if (!fresh || fresh.metadata.uid !== obj.metadata.uid) return obj;
      current = this.withTypeMeta(type, fresh);
    }
    const finalizers = current.metadata.finalizers ?? [];
    let remaining = finalizers;
    if (
      remaining.includes(FOREGROUND_FINALIZER) &&
      !this.dependentsOf(current).some(c =>
        c.object.metadata.ownerReferences?.some(
          r => r.uid === current.metadata.uid && r.blockOwnerDeletion,
        ),
      )
    ) {
      remaining = remaining.filter(f => f !== FOREGROUND_FINALIZER);
    }
    if (remaining.length === 1 && remaining[0] === ORPHAN_FINALIZER) {
      this.orphanDependents(current);
      remaining = [];
    }
    if (remaining.length === finalizers.length) return current;
    const next = clone(current);
    if (remaining.length) next.metadata.finalizers = remaining;
    else delete next.metadata.finalizers;
    if (!remaining.length) return this.finalize(type, next);
    return this.withTypeMeta(
      type,
      this.store.update(type.group, type.resource, next),
    );
  }

  private dependentsOf(owner: KubeObject) {
    const uid = owner.metadata.uid;
    const candidates = owner.metadata.namespace
      ? this.store.listNamespace(owner.metadata.namespace)
      : this.store.listAll();
    return candidates.filter(c =>
      c.object.metadata.ownerReferences?.some(r => r.uid === uid),
    );
  }

  private orphanDependents(owner: KubeObject) {
    for (const c of this.dependentsOf(owner)) {
      const next = clone(c.object);
      const refs = (next.metadata.ownerReferences ?? []).filter(
        r => r.uid !== owner.metadata.uid,
      );
      if (refs.length) next.metadata.ownerReferences = refs;
      else delete next.metadata.ownerReferences;
      this.store.update(c.group, c.resource, next);
    }
  }

  /** After a dependent is gone, lets owners waiting in foreground deletion finish. */
  private releaseOwners(removed: KubeObject) {
    for (const owner of removed.metadata.ownerReferences ?? []) {
      const found = this.store
        .listAll()
        .find(
          e =>
            e.object.metadata.uid === owner.uid &&
            e.object.metadata.finalizers?.includes(FOREGROUND_FINALIZER),
        );
      const type = found && this.typeResolver(found.group, found.resource);
      if (found && type) {
        this.collectGarbage(type, this.withTypeMeta(type, found.object));
      }
    }
  }

  private finalize(type: ResourceType, obj: KubeObject): KubeObject {
    const removed =
      this.store.remove(
        this.ref(type, obj.metadata.namespace, obj.metadata.name!),
      ) ?? obj;
    this.collectDependents(removed);
    this.releaseOwners(removed);
    this.maybeFinishNamespace(removed.metadata.namespace);
    return this.withTypeMeta(type, removed);
  }

  /** Resolves a served type by group and resource (any version); set by the control plane. */
  typeResolver: (group: string, resource: string) => ResourceType | undefined =
    () => undefined;

  private collectDependents(owner: KubeObject) {
    for (const c of this.dependentsOf(owner)) {
      const type = this.typeResolver(c.group, c.resource);
      if (!type) continue;
      try {
        this.delete(type, c.object.metadata.namespace, c.object.metadata.name!);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
  }

  private deleteNamespace(ns: KubeObject): KubeObject {
    const nsType = this.typeResolver('', 'namespaces')!;
    let marked = ns;
    if (!ns.metadata.deletionTimestamp) {
      const copy = clone(ns);
      copy.metadata.deletionTimestamp = now();
      copy.status = { phase: 'Terminating' };
      marked = this.withTypeMeta(
        nsType,
        this.store.update('', 'namespaces', copy),
      );
    }
    for (const c of this.store.listNamespace(ns.metadata.name!)) {
      const type = this.typeResolver(c.group, c.resource);
      if (!type) {
        this.store.remove({
          group: c.group,
          resource: c.resource,
          namespace: ns.metadata.name,
          name: c.object.metadata.name!,
        });
        continue;
      }
      try {
        this.delete(type, ns.metadata.name, c.object.metadata.name!);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    this.maybeFinishNamespace(ns.metadata.name);
    return marked;
  }

  private maybeFinishNamespace(namespace: string | undefined) {
    if (!namespace) return;
    const ns = this.store.get({
      group: '',
      resource: 'namespaces',
      name: namespace,
    });
    if (!ns?.metadata.deletionTimestamp) return;
    if (this.store.listNamespace(namespace).length === 0) {
      this.store.remove({ group: '', resource: 'namespaces', name: namespace });
    }
  }
}
