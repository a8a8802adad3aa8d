import { clone, isObject, Json, JsonObject } from './objects';
import { errors } from './status';
import { assertSafeKey, assertSafeKeys } from './safeKeys';

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    assertSafeKey(key, key);
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value) as Json;
  }
  return result;
}

/**
 * The patch merge keys of the built-in kinds' lists (`patchMergeKey` in k8s.io/api's Go types):
 * a strategic merge patch merges these lists item by item instead of replacing them, so patching
 * one container of a Deployment keeps the others.
 * https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/#notes-on-the-strategic-merge-patch
 */
function mergeKeyOf(path: string[], field: string): string | undefined {
  const inContainer = path.some(p =>
    ['containers', 'initContainers', 'ephemeralContainers'].includes(p),
  );
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'ports':
      return inContainer ? 'containerPort' : 'port';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
      return 'type';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}

/** Lists of scalars that a strategic merge patch merges as sets (`patchStrategy:"merge"`). */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

function stripDirectives(patch: unknown): unknown {
  if (Array.isArray(patch)) {
    return patch
      .filter(
        item =>
          !(
            isObject(item) &&
            item.$patch !== undefined &&
            Object.keys(item).length === 1
          ),
      )
      .map(stripDirectives);
  }
  if (!isObject(patch)) return patch;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    assertSafeKey(key, key);
    out[key] = stripDirectives(value) as Json;
  }
  return out;
}

function mergeList(
  original: Json[],
  patch: Json[],
  mergeKey: string,
  path: string[],
): Json[] {
  if (patch.some(item => isObject(item) && item.$patch === 'replace')) {
    return stripDirectives(patch) as Json[];
  }
  const result = clone(original);
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(clone(item));
      continue;
    }
    const index = result.findIndex(
      o =>
        isObject(o) &&
        item[mergeKey] !== undefined &&
        o[mergeKey] === item[mergeKey],
    );
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index], item, path) as Json;
    } else {
      result.push(stripDirectives(item) as Json);
    }
  }
  return result;
}

function strategicMerge(
  target: unknown,
  patch: unknown,
  path: string[],
): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    const removeFrom = key.match(/^\$deleteFromPrimitiveList\/(.+)$/);
    if (removeFrom) {
      assertSafeKey(removeFrom[1], removeFrom[1]);
      const list = result[removeFrom[1]];
      if (Array.isArray(list) && Array.isArray(value)) {
        result[removeFrom[1]] = list.filter(v => !value.includes(v));
      }
      continue;
    }
    if (key.startsWith('$')) continue; // $setElementOrder, $retainKeys: ordering and pruning hints
    assertSafeKey(key, key);
    const mergeKey = mergeKeyOf(path, key);
    const current = result[key];
    if (value === null) delete result[key];
    else if (Array.isArray(value) && mergeKey && Array.isArray(current)) {
      result[key] = mergeList(current, value, mergeKey, [...path, key]);
    } else if (Array.isArray(value) && MERGED_SCALAR_LISTS.has(key)) {
      const merged = Array.isArray(current) ? [...current] : [];
      for (const v of value) if (!merged.includes(v)) merged.push(v);
      result[key] = merged;
    } else if (isObject(value)) {
      result[key] = strategicMerge(current, value, [...path, key]) as Json;
    } else {
      result[key] = stripDirectives(value) as Json;
    }
  }
  return result;
}

/**
 * Strategic merge patch for the built-in kinds: maps merge key by key, lists with a patch merge
 * key merge item by item (`$patch: delete` removes one, `$patch: replace` replaces the list),
 * finalizers merge as a set, `$deleteFromPrimitiveList` removes scalars; other lists are replaced,
 * as their Go types declare. Custom resources are refused before this (415), as kube-apiserver does.
 */
export function applyStrategicMergePatch(
  target: unknown,
  patch: unknown,
): unknown {
  // Directives (`$...` keys) are skipped while merging; their contents are checked all the same.
  assertSafeKeys(patch);
  return strategicMerge(target, patch, []);
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw errors.badRequest(`invalid JSON pointer: ${pointer}`);
  }
  const segments = pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const segment of segments) assertSafeKey(segment, pointer);
  return segments;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw errors.badRequest('a JSON patch must be an array of operations');
  }
  let doc = clone(target) as unknown;
  const child = (node: unknown, key: string): unknown => {
    if (Array.isArray(node)) return node[Number(key)];
    return isObject(node) ? node[key] : undefined;
  };
  const parentOf = (path: string[]) => {
    let node = doc as unknown;
    for (const key of path.slice(0, -1)) {
      node = child(node, key);
      if (node === undefined) {
        throw errors.unprocessable(`doc is missing path: /${path.join('/')}`);
      }
    }
    return node;
  };
  const read = (path: string[]) => {
    let node = doc as unknown;
    for (const key of path) node = child(node, key);
    return node;
  };
  const remove = (path: string[]) => {
    const parent = parentOf(path);
    const key = path[path.length - 1];
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (isObject(parent) && key in parent) delete parent[key];
    else {
      throw errors.unprocessable(`unable to remove nonexistent key: ${key}`);
    }
  };
  const add = (path: string[], value: unknown) => {
    if (path.length === 0) {
      doc = clone(value);
      return;
    }
    const parent = parentOf(path);
    const key = path[path.length - 1];
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : Number(key);
      parent.splice(index, 0, clone(value) as Json);
    } else if (isObject(parent)) {
      parent[key] = clone(value) as Json;
    } else {
      throw errors.unprocessable(`cannot add at /${path.join('/')}`);
    }
  };
  for (const raw of operations as JsonPatchOperation[]) {
    const path = decodePointer(raw.path);
    switch (raw.op) {
      case 'add':
        add(path, raw.value);
        break;
      case 'remove':
        remove(path);
        break;
      case 'replace':
        if (read(path) === undefined) {
          throw errors.unprocessable(
            `replace operation does not apply: doc is missing key: ${raw.path}`,
          );
        }
        remove(path);
        add(path, raw.value);
        break;
      case 'move': {
        const from = decodePointer(raw.from ?? '');
        const value = read(from);
        remove(from);
        add(path, value);
        break;
      }
      case 'copy':
        add(path, read(decodePointer(raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(read(path)) !== JSON.stringify(raw.value)) {
          // kube-apiserver answers failures to apply a JSON patch with 422 (patch.go).
          throw errors.unprocessable(
            `the server rejected our request due to an error in our request: testing value ${raw.path} failed: test failed`,
          );
        }
        break;
      default:
        throw errors.badRequest(`unexpected JSON patch operation: ${raw.op}`);
    }
  }
  return doc;
}
