import { clone, isObject, Json, JsonObject } from './objects';
import { errors } from './status';

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value) as Json;
  }
  return result;
}

/**
 * Strategic merge patch, reduced to what matters for the types served here: a merge patch that ignores
 * the `$setElementOrder`/`$retainKeys`/`$patch` directives kubectl adds (lists are replaced whole).
 */
export function applyStrategicMergePatch(
  target: unknown,
  patch: unknown,
): unknown {
  return applyMergePatch(target, stripDirectives(patch));
}

function stripDirectives(patch: unknown): unknown {
  if (Array.isArray(patch)) return patch.map(stripDirectives);
  if (!isObject(patch)) return patch;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    out[key] = stripDirectives(value) as Json;
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw errors.badRequest(`invalid JSON pointer: ${pointer}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
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
        throw errors.badRequest(`doc is missing path: /${path.join('/')}`);
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
    else throw errors.badRequest(`unable to remove nonexistent key: ${key}`);
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
      throw errors.badRequest(`cannot add at /${path.join('/')}`);
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
          throw errors.badRequest(
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
          throw errors.badRequest(`testing value ${raw.path} failed`);
        }
        break;
      default:
        throw errors.badRequest(`unexpected JSON patch operation: ${raw.op}`);
    }
  }
  return doc;
}
