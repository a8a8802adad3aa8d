import {
  clone,
  deepEqual,
  getPath,
  isObject,
  Json,
  JsonObject,
  KubeObject,
  ManagedFieldsEntry,
} from './objects';
import { ApiError } from './status';
import { assertSafeKey } from './safeKeys';

/**
 * Field ownership for server-side apply, close to what kube-apiserver does for the shapes served here:
 * maps are merged key by key, lists and scalars are atomic, and each manager owns a set of leaf paths.
 */

/** Which part of an object an operation writes: the main resource or its status subresource. */
export type Scope = 'main' | 'status';

const TRACKED_METADATA = [
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
];

interface Ownership {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  paths: Set<string>;
}

const key = (path: string[]) => JSON.stringify(path);
const unkey = (k: string) => JSON.parse(k) as string[];

/** The leaf paths an object sets within a scope (`status` only for the status subresource). */
export function leafPaths(
  obj: unknown,
  scope: Scope,
  statusIsSubresource: boolean,
): string[][] {
  const out: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    } else {
      out.push(path);
    }
  };
  if (!isObject(obj)) return out;
  for (const [top, value] of Object.entries(obj)) {
    if (top === 'apiVersion' || top === 'kind') continue;
    if (scope === 'status' && top !== 'status') continue;
    if (scope === 'main' && top === 'status' && statusIsSubresource) continue;
    if (top === 'metadata') {
      if (!isObject(value)) continue;
      for (const m of TRACKED_METADATA) {
        if (value[m] !== undefined) walk(value[m], ['metadata', m]);
      }
      continue;
    }
    walk(value, [top]);
  }
  return out;
}

/** Renders leaf paths as the FieldsV1 format (`{"f:spec":{"f:size":{}}}`). */
export function toFieldsV1(paths: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const k of paths) {
    let node = root;
    for (const segment of unkey(k)) {
      const f = `f:${segment}`;
      if (!isObject(node[f])) node[f] = {};
      node = node[f] as JsonObject;
    }
  }
  return root;
}

/** Parses FieldsV1 back into leaf paths; list item keys (`k:`, `v:`) stop at the list. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: string[]) => {
    const children = isObject(node)
      ? Object.keys(node).filter(k => k.startsWith('f:'))
      : [];
    if (
      children.length === 0 ||
      (isObject(node) &&
        Object.keys(node).some(k => k.startsWith('k:') || k.startsWith('v:')))
    ) {
      if (path.length) out.add(key(path));
      return;
    }
    for (const c of children) {
      // managedFields can come from a client (a write that sets them); keep its paths off prototypes.
      assertSafeKey(c.slice(2), 'metadata.managedFields');
      walk((node as JsonObject)[c], [...path, c.slice(2)]);
    }
  };
  walk(fields, []);
  return out;
}

function readOwnership(obj: KubeObject | undefined): Ownership[] {
  return (obj?.metadata.managedFields ?? []).map(e => ({
    manager: e.manager,
    operation: e.operation,
    subresource: e.subresource,
    apiVersion: e.apiVersion,
    time: e.time,
    paths: fromFieldsV1(e.fieldsV1),
  }));
}

function writeOwnership(entries: Ownership[]): ManagedFieldsEntry[] {
  return entries
    .filter(e => e.paths.size > 0)
    .map(e => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(e.paths),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
}

function findOrAdd(
  entries: Ownership[],
  manager: string,
  operation: 'Apply' | 'Update',
  scope: Scope,
  apiVersion: string,
  time: string,
): Ownership {
  const subresource = scope === 'status' ? 'status' : undefined;
  let entry = entries.find(
    e =>
      e.manager === manager &&
      e.operation === operation &&
      e.subresource === subresource,
  );
  if (!entry) {
    entry = {
      manager,
      operation,
      subresource,
      apiVersion,
      time,
      paths: new Set(),
    };
    entries.push(entry);
  }
  entry.apiVersion = apiVersion;
  return entry;
}

function deletePath(obj: KubeObject | JsonObject, path: string[]) {
  const parent = getPath(obj, path.slice(0, -1));
  if (isObject(parent)) delete parent[path[path.length - 1]];
}

function mergeInto(target: KubeObject | JsonObject, source: JsonObject) {
  for (const [k, v] of Object.entries(source)) {
    if (isObject(v) && isObject(target[k])) {
      mergeInto(target[k] as JsonObject, v);
    } else {
      target[k] = clone(v);
    }
  }
}

function restrictToScope(
  config: KubeObject,
  scope: Scope,
  statusIsSubresource: boolean,
): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (scope === 'main' && k === 'status' && statusIsSubresource) continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: JsonObject = {};
      for (const m of TRACKED_METADATA) if (v[m] !== undefined) meta[m] = v[m];
      out.metadata = meta;
      continue;
    }
    out[k] = v as Json;
  }
  return out;
}

/** Options of a server-side apply. */
export interface ApplyOptions {
  current: KubeObject | undefined;
  config: KubeObject;
  manager: string;
  force: boolean;
  scope: Scope;
  statusIsSubresource: boolean;
  now: string;
  resource: string;
  group: string;
}

/**
 * Server-side apply: merges the applied configuration, removes fields this manager applied before and
 * no longer applies (unless someone else owns them), and reports conflicts with other managers.
 */
export function serverSideApply(options: ApplyOptions): KubeObject {
  const { current, config, manager, force, scope, statusIsSubresource, now } =
    options;
  const result = (
    current
      ? clone(current)
      : {
          apiVersion: config.apiVersion,
          kind: config.kind,
          metadata: {
            name: config.metadata.name,
            ...(config.metadata.namespace
              ? { namespace: config.metadata.namespace }
              : {}),
          },
        }
  ) as KubeObject;
  const owners = readOwnership(current);
  const configPaths = leafPaths(config, scope, statusIsSubresource).map(key);
  const mine = findOrAdd(
    owners,
    manager,
    'Apply',
    scope,
    config.apiVersion,
    now,
  );

  const conflicts: Array<{ manager: string; path: string[] }> = [];
  const changed = new Set<string>();
  for (const k of configPaths) {
    const path = unkey(k);
    const before = getPath(current, path);
    if (before === undefined || deepEqual(before, getPath(config, path)))
      continue;
    changed.add(k);
    for (const other of owners) {
      if (other !== mine && other.paths.has(k)) {
        conflicts.push({ manager: other.manager, path });
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    const fields = conflicts.map(c => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.manager}"`,
      field: `.${c.path.join('.')}`,
    }));
    throw new ApiError(
      409,
      'Conflict',
      `Apply failed with ${conflicts.length} conflict${
        conflicts.length > 1 ? 's' : ''
      }: ${conflicts
        .map(c => `conflict with "${c.manager}": .${c.path.join('.')}`)
        .join('\n')}`,
      {
        name: config.metadata.name,
        group: options.group,
        kind: options.resource,
        causes: fields,
      },
    );
  }

  const newSet = new Set(configPaths);
  for (const k of mine.paths) {
    if (newSet.has(k)) continue;
    const ownedElsewhere = owners.some(o => o !== mine && o.paths.has(k));
    if (!ownedElsewhere) deletePath(result, unkey(k));
  }
  mergeInto(result, restrictToScope(config, scope, statusIsSubresource));
  mine.paths = newSet;
  for (const other of owners) {
    if (other === mine) continue;
    for (const k of changed) other.paths.delete(k);
  }
  finishOwnership(result, current, owners, mine, now);
  return result;
}

/** Records field ownership for a non-apply write (create, update, patch) by `manager`. */
export function recordUpdate(options: {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  scope: Scope;
  statusIsSubresource: boolean;
  now: string;
}): KubeObject {
  const { before, after, manager, scope, statusIsSubresource, now } = options;
  const result = clone(after);
  const owners = readOwnership(before);
  const mine = findOrAdd(
    owners,
    manager,
    'Update',
    scope,
    after.apiVersion,
    now,
  );
  const afterPaths = new Set(
    leafPaths(after, scope, statusIsSubresource).map(key),
  );
  for (const k of afterPaths) {
    const path = unkey(k);
    if (!before || !deepEqual(getPath(before, path), getPath(after, path))) {
      for (const o of owners) if (o !== mine) o.paths.delete(k);
      mine.paths.add(k);
    }
  }
  for (const o of owners) {
    for (const k of [...o.paths]) {
      const inScope =
        (unkey(k)[0] === 'status') === (scope === 'status') ||
        !statusIsSubresource;
      if (inScope && !afterPaths.has(k)) o.paths.delete(k);
    }
  }
  finishOwnership(result, before, owners, mine, now);
  return result;
}

function finishOwnership(
  result: KubeObject,
  before: KubeObject | undefined,
  owners: Ownership[],
  mine: Ownership,
  now: string,
) {
  const previous = before?.metadata.managedFields?.find(
    e =>
      e.manager === mine.manager &&
      e.operation === mine.operation &&
      e.subresource === mine.subresource,
  );
  const unchanged =
    previous !== undefined &&
    deepEqual(previous.fieldsV1, toFieldsV1(mine.paths)) &&
    deepEqual(
      {
        ...before,
        metadata: { ...before?.metadata, managedFields: undefined },
      },
      { ...result, metadata: { ...result.metadata, managedFields: undefined } },
    );
  mine.time = unchanged ? previous!.time : now;
  const entries = writeOwnership(owners);
  if (entries.length > 0) result.metadata.managedFields = entries;
  else delete result.metadata.managedFields;
}
