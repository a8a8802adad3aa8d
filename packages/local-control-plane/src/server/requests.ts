import { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import {
  DeleteOptions,
  PatchType,
  PropagationPolicy,
  WriteOptions,
} from '../api/ObjectService';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../api/protobuf';
import { ResourceType, ResourceTypeRegistry } from '../api/resourceTypes';
import { assertSafeKeys } from '../api/safeKeys';
import { ApiError, errors } from '../api/status';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A request for a resource path: its type, where, and whether it watches. */
export interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

/** The verbs of the Kubernetes API, as RBAC names them. */
export type ReadVerb = 'get' | 'list' | 'watch';
export type WriteVerb =
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';
export type Verb = ReadVerb | WriteVerb;

export const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
};

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        'the request body is too large',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Decodes a request body by its media type (JSON, YAML, or Kubernetes protobuf for the built-in
 * kinds client-go sends that way), and refuses keys that reach an object's prototype.
 */
export function parseBody(raw: Buffer, contentType: string): unknown {
  if (contentType === PROTOBUF_MEDIA_TYPE) {
    return raw.length ? decodeKubernetesProtobuf(raw) : undefined;
  }
  const text = raw.toString('utf8');
  if (!text.trim()) return undefined;
  let body: unknown;
  try {
    body = contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw errors.badRequest(
      `the request body could not be decoded: ${(error as Error).message}`,
    );
  }
  assertSafeKeys(body);
  return body;
}

const POLICIES: PropagationPolicy[] = ['Orphan', 'Background', 'Foreground'];

/**
 * DeleteOptions from the body (kubectl, client-node) or the query string: propagationPolicy, or the
 * deprecated orphanDependents (true = Orphan, false = Background), preconditions and dryRun.
 */
export function deleteOptions(
  body: unknown,
  query: URLSearchParams,
  dryRun: boolean,
): DeleteOptions {
  const opts = (body ?? {}) as {
    preconditions?: { resourceVersion?: string; uid?: string };
    dryRun?: string[];
    propagationPolicy?: string;
    orphanDependents?: boolean;
  };
  const policy = opts.propagationPolicy ?? query.get('propagationPolicy');
  const orphan =
    opts.orphanDependents ??
    (query.has('orphanDependents')
      ? query.get('orphanDependents') === 'true'
      : undefined);
  if (policy && !POLICIES.includes(policy as PropagationPolicy)) {
    throw errors.badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Orphan", "Background", "Foreground"`,
    );
  }
  if (policy && orphan !== undefined) {
    throw errors.badRequest(
      'orphanDependents and propagationPolicy cannot both be set',
    );
  }
  let propagationPolicy = policy as PropagationPolicy | undefined;
  if (orphan !== undefined)
    propagationPolicy = orphan ? 'Orphan' : 'Background';
  return {
    dryRun: dryRun || !!opts.dryRun?.includes('All'),
    preconditions: opts.preconditions,
    propagationPolicy,
  };
}

/** The write options of the query string; the field manager defaults to the client's name. */
export function writeOptions(
  query: URLSearchParams,
  req: IncomingMessage,
  subresource?: string,
): WriteOptions & { force?: boolean } {
  const fv = query.get('fieldValidation');
  const agent = String(req.headers['user-agent'] ?? 'unknown').split('/')[0];
  return {
    fieldManager: query.get('fieldManager') ?? agent,
    dryRun: query.getAll('dryRun').includes('All'),
    fieldValidation: fv === 'Strict' || fv === 'Warn' ? fv : 'Ignore',
    force: query.get('force') === 'true',
    subresource: subresource === 'status' ? 'status' : undefined,
  };
}

/**
 * A resourceVersion newer than the store's: kube-apiserver waits briefly, then answers 504 Timeout
 * with the ResourceVersionTooLarge cause, which client-go's reflector recognises and relists.
 */
export function tooLargeResourceVersion(rv: string, current: number): never {
  throw new ApiError(
    504,
    'Timeout',
    `Too large resource version: ${rv}, current: ${current}`,
    {
      causes: [
        {
          reason: 'ResourceVersionTooLarge',
          message: 'Too large resource version',
        },
      ],
    },
  );
}

export const apiVersionOf = (type: ResourceType) =>
  type.group ? `${type.group}/${type.version}` : type.version;

export function mediaTypeOf(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json')
    .split(';')[0]
    .trim();
}

/** Whether the client asks for a meta.k8s.io Table (`kubectl get`). */
export const wantsTable = (req: IncomingMessage) =>
  String(req.headers.accept ?? '').includes('as=Table');

export function verbFor(method: string, r: ResourceRequest): Verb {
  switch (method) {
    case 'GET':
      if (r.watch) return 'watch';
      return r.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      throw errors.methodNotAllowed(`method ${method} is not supported`);
  }
}

/**
 * The resource a path names (`/api/v1/...` or `/apis/<group>/<version>/...`, namespaced or not,
 * with an optional `watch/` prefix), or undefined when no registered type matches.
 */
export function resolveResourceRequest(
  registry: ResourceTypeRegistry,
  segments: string[],
  query: URLSearchParams,
): ResourceRequest | undefined {
  let groupName = '';
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    version = segments[1];
    rest = segments.slice(2);
  } else {
    groupName = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  }
  let isWatch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (rest[0] === 'watch') {
    isWatch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = registry.lookup(groupName, version, rest[2]);
    if (type?.namespaced) {
      return {
        type,
        namespace: rest[1],
        name: rest[3],
        subresource: rest[4],
        watch: isWatch,
      };
    }
    if (type) return undefined;
  }
  const type = registry.lookup(groupName, version, rest[0]);
  if (!type || rest.length === 0) return undefined;
  return { type, name: rest[1], subresource: rest[2], watch: isWatch };
}
