import { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import {
  authenticate,
  LocalControlPlaneToken,
  UserInfo,
} from '../auth/authentication';
import {
  isAllowed,
  isAllowedNonResource,
  RbacSource,
} from '../auth/rbacAuthorizer';
import {
  DeleteOptions,
  ObjectService,
  PatchType,
  PropagationPolicy,
  WriteOptions,
} from '../api/ObjectService';
import { parseFieldSelector, parseLabelSelector } from '../api/labelSelector';
import { KubeObject } from '../api/objects';
import { ResourceType, ResourceTypeRegistry } from '../api/resourceTypes';
import { ApiError, errors } from '../api/status';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../api/protobuf';
import { assertSafeKeys } from '../api/safeKeys';
import { impersonate } from '../auth/impersonation';
import {
  REVIEW_RESOURCES,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
} from '../auth/reviews';
import { ObjectStore, StoreEvent } from '../store/ObjectStore';
import {
  coreVersions,
  group,
  groupList,
  resourceList,
  versionInfo,
} from './discovery';
import {
  openApiDocument,
  openApiIndex,
  openApiKey,
  openApiV2Document,
} from './openapi';
import { includeObjectOf, toTable } from './table';
import { isAllowedHost } from './hostHeader';

const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** kube-apiserver sends a bookmark about once a minute on a quiet watch. */
const BOOKMARK_INTERVAL_MS = 60_000;

/** Dependencies of the HTTP handler. */
export interface ApiServerDeps {
  store: ObjectStore;
  registry: ResourceTypeRegistry;
  service: ObjectService;
  tokens: LocalControlPlaneToken[];
  rbac: RbacSource;
  /** Host names requests must carry in Host (403 otherwise); every name when undefined. */
  allowedHostNames?: Set<string>;
  logger?: (line: string) => void;
}

interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
};

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
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
function parseBody(raw: Buffer, contentType: string): unknown {
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
function deleteOptions(
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

/**
 * A resourceVersion newer than the store's: kube-apiserver waits briefly, then answers 504 Timeout
 * with the ResourceVersionTooLarge cause, which client-go's reflector recognises and relists.
 */
function tooLargeResourceVersion(rv: string, current: number): never {
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

const apiVersionOf = (type: ResourceType) =>
  type.group ? `${type.group}/${type.version}` : type.version;

function mediaTypeOf(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json')
    .split(';')[0]
    .trim();
}

function verbFor(method: string, r: ResourceRequest): string {
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
 * The HTTP face of the control plane: discovery, authentication, RBAC, and the REST verbs of the
 * Kubernetes API over ObjectService, including watches as newline-delimited JSON streams.
 */
export function createApiHandler(deps: ApiServerDeps) {
  const { store, registry, service, tokens, rbac } = deps;

  function resolve(
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

  function writeOptions(
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

  function watch(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    const byLabel = parseLabelSelector(query.get('labelSelector') ?? undefined);
    const byField = parseFieldSelector(
      query.get('fieldSelector') ?? undefined,
      r.type,
    );
    const selected = (object: KubeObject) =>
      (!r.namespace || object.metadata.namespace === r.namespace) &&
      (!r.name || object.metadata.name === r.name) &&
      byLabel(object.metadata.labels) &&
      byField(object);
    const rv = query.get('resourceVersion');
    if (rv && rv !== '0' && Number(rv) > store.resourceVersion) {
      // Checked before the stream starts, so a bad request still gets its HTTP status.
      tooLargeResourceVersion(rv, store.resourceVersion);
    }
    const apiVersion = r.type.group
      ? `${r.type.group}/${r.type.version}`
      : r.type.version;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    // `kubectl get -w` asks for Tables: each event then carries a one-row Table, and only the first
    // one has column definitions, as kube-apiserver does.
    const wantsTable = String(req.headers.accept ?? '').includes('as=Table');
    let columnsSent = false;
    const emit = (type: string, object: unknown) => {
      let payload = object;
      if (wantsTable && type !== 'ERROR' && type !== 'BOOKMARK') {
        const obj = object as KubeObject;
        const table = toTable(
          r.type,
          [obj],
          obj.metadata.resourceVersion ?? '',
          includeObjectOf(query.get('includeObject')),
        );
        payload = columnsSent ? { ...table, columnDefinitions: [] } : table;
        columnsSent = true;
      }
      res.write(`${JSON.stringify({ type, object: payload })}\n`);
    };
    // A selector decides per event whether the watcher sees it, and how: an object entering the
    // selection is ADDED, one leaving it is DELETED (with its previous content), as the watch
    // cache converts events (k8s.io/apiserver cacheWatcher.convertToWatchEvent).
    const emitEvent = (e: StoreEvent) => {
      if (e.group !== r.type.group || e.resource !== r.type.resource) return;
      const now = selected(e.object);
      const before =
        e.type === 'MODIFIED' && !!e.previous && selected(e.previous);
      let type: string = e.type;
      let object = e.object;
      if (e.type === 'MODIFIED' && now && !before) type = 'ADDED';
      else if (e.type === 'MODIFIED' && !now && before) {
        type = 'DELETED';
        object = {
          ...e.previous!,
          metadata: {
            ...e.previous!.metadata,
            resourceVersion: String(e.resourceVersion),
          },
        };
      } else if (!now) return;
      emit(type, { ...object, apiVersion, kind: r.type.kind });
    };
    // Bookmarks (allowWatchBookmarks) tell a client how far it has seen without an object
    // changing; with sendInitialEvents the first one carries `k8s.io/initial-events-end` after
    // the current state was sent as ADDED events (the streaming list of KEP-3157).
    // https://kubernetes.io/docs/reference/using-api/api-concepts/#watch-bookmarks
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const bookmark = (annotations?: Record<string, string>) =>
      emit('BOOKMARK', {
        apiVersion,
        kind: r.type.kind,
        metadata: {
          resourceVersion: String(store.resourceVersion),
          ...(annotations ? { annotations } : {}),
        },
      });
    const sendInitialEvents = query.get('sendInitialEvents') === 'true';
    if (sendInitialEvents || !rv || rv === '0') {
      for (const object of service.list(r.type, r.namespace).items) {
        if (selected(object)) emit('ADDED', object);
      }
      if (sendInitialEvents && bookmarks) {
        bookmark({ 'k8s.io/initial-events-end': 'true' });
      }
    } else {
      const events = store.eventsSince(Number(rv));
      if (!events) {
        emit(
          'ERROR',
          errors
            .gone(
              `too old resource version: ${rv} (${store.oldestWatchableVersion})`,
            )
            .toStatus(),
        );
        res.end();
        return;
      }
      events.forEach(emitEvent);
    }
    const unsubscribe = store.subscribe(emitEvent);
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 1800);
    const timer = setTimeout(
      () => res.end(),
      Math.max(1, timeoutSeconds) * 1000,
    );
    const ticker = bookmarks
      ? setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS)
      : undefined;
    const close = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      unsubscribe();
    };
    res.on('close', close);
    req.on('close', close);
  }

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    user: UserInfo,
    r: ResourceRequest,
    query: URLSearchParams,
  ) {
    const method = req.method ?? 'GET';
    const verb = verbFor(method, r);
    if (r.type.verbs && !r.type.verbs.includes(verb)) {
      throw errors.methodNotAllowed(
        `${r.type.resource} does not support ${verb}`,
      );
    }
    if (r.subresource && r.subresource !== 'status') {
      throw errors.notFound(
        `${r.type.resource}/${r.subresource}`,
        r.type.group,
        r.name ?? '',
      );
    }
    if (r.subresource === 'status' && !r.type.statusSubresource) {
      throw errors.notFound(
        `${r.type.resource}/status`,
        r.type.group,
        r.name ?? '',
      );
    }
    const attrs = {
      verb,
      group: r.type.group,
      resource: r.type.resource,
      subresource: r.subresource,
      namespace: r.namespace,
      name: r.name,
    };
    if (!isAllowed(user, attrs, rbac)) {
      throw errors.forbidden(
        user.user,
        verb,
        r.subresource ? `${r.type.resource}/${r.subresource}` : r.type.resource,
        r.type.group,
        r.namespace,
        r.name,
      );
    }
    const wantsTable = String(req.headers.accept ?? '').includes('as=Table');
    const includeObject = includeObjectOf(query.get('includeObject'));
    const respond = (
      code: number,
      object: KubeObject,
      warnings: string[] = [],
    ) => {
      const headers: Record<string, string> = {};
      if (warnings.length)
        headers.Warning = warnings
          .map(w => `299 - "${w.replace(/"/g, "'")}"`)
          .join(', ');
      send(
        res,
        code,
        wantsTable
          ? toTable(
              r.type,
              [object],
              object.metadata.resourceVersion ?? '',
              includeObject,
            )
          : object,
        headers,
      );
    };
    switch (verb) {
      case 'watch':
        watch(req, res, r, query);
        return;
      case 'get':
        respond(200, service.get(r.type, r.namespace, r.name!));
        return;
      case 'list': {
        const rv = query.get('resourceVersion');
        if (rv && rv !== '0' && Number(rv) > store.resourceVersion) {
          tooLargeResourceVersion(rv, store.resourceVersion);
        }
        const limit = query.has('limit')
          ? Number(query.get('limit'))
          : undefined;
        if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
          throw errors.badRequest(
            `limit: Invalid value: "${query.get(
              'limit',
            )}": must be a non-negative integer`,
          );
        }
        const page = service.list(r.type, r.namespace, {
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
          limit,
          continue: query.get('continue') ?? undefined,
        });
        const metadata = {
          resourceVersion: page.resourceVersion,
          ...(page.continue
            ? {
                continue: page.continue,
                remainingItemCount: page.remainingItemCount,
              }
            : {}),
        };
        send(
          res,
          200,
          wantsTable
            ? {
                ...toTable(
                  r.type,
                  page.items,
                  page.resourceVersion,
                  includeObject,
                ),
                metadata,
              }
            : {
                apiVersion: apiVersionOf(r.type),
                kind: r.type.listKind,
                metadata,
                items: page.items,
              },
        );
        return;
      }
      default:
    }
    const contentType = mediaTypeOf(req);
    const body = parseBody(await readBody(req), contentType);
    const options = writeOptions(query, req, r.subresource);
    switch (verb) {
      case 'create': {
        if (r.name)
          throw errors.methodNotAllowed(
            'POST to a named resource is not supported',
          );
        const result = service.create(
          r.type,
          r.namespace,
          body as KubeObject,
          options,
        );
        respond(201, result.object, result.warnings);
        return;
      }
      case 'update': {
        const result = service.update(
          r.type,
          r.namespace,
          r.name!,
          body as KubeObject,
          options,
        );
        respond(200, result.object, result.warnings);
        return;
      }
      case 'patch': {
        const patchType = PATCH_TYPES[contentType];
        if (!patchType) throw errors.unsupportedMediaType(contentType);
        if (patchType === 'apply') {
          if (!query.get('fieldManager')) {
            // PatchOptions validation (k8s.io/apiserver): apply names its manager explicitly.
            throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [
              {
                reason: 'FieldValueRequired',
                message: 'Required value: is required for apply patch',
                field: 'fieldManager',
              },
            ]);
          }
          // An apply that creates the object is a create as well: it needs that verb too.
          if (
            !service.find(r.type, r.namespace, r.name!) &&
            !isAllowed(user, { ...attrs, verb: 'create' }, rbac)
          ) {
            throw errors.forbidden(
              user.user,
              'create',
              r.type.resource,
              r.type.group,
              r.namespace,
              r.name,
            );
          }
        }
        const result = service.patch(
          r.type,
          r.namespace,
          r.name!,
          patchType,
          body,
          options,
        );
        respond(result.created ? 201 : 200, result.object, result.warnings);
        return;
      }
      case 'delete': {
        const deleted = service.delete(
          r.type,
          r.namespace,
          r.name!,
          deleteOptions(body, query, options.dryRun ?? false),
        );
        respond(200, deleted);
        return;
      }
      case 'deletecollection': {
        const opts = deleteOptions(body, query, options.dryRun ?? false);
        const { items } = service.list(r.type, r.namespace, {
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
        });
        const deleted = items.map(item =>
          service.delete(r.type, item.metadata.namespace, item.metadata.name!, {
            ...opts,
            preconditions: undefined,
          }),
        );
        send(res, 200, {
          apiVersion: apiVersionOf(r.type),
          kind: r.type.listKind,
          metadata: { resourceVersion: String(store.resourceVersion) },
          items: deleted,
        });
        return;
      }
      default:
        throw errors.methodNotAllowed(`verb ${verb} is not supported`);
    }
  }

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean);
    try {
      if (
        deps.allowedHostNames &&
        !isAllowedHost(req.headers.host, deps.allowedHostNames)
      ) {
        throw new ApiError(
          403,
          'Forbidden',
          `forbidden: Host ${JSON.stringify(
            req.headers.host ?? '',
          )} is not this control plane; it answers only to ${[
            ...deps.allowedHostNames,
          ].join(', ')}`,
        );
      }
      if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      // Public, as system:public-info-viewer makes it on real clusters.
      if (url.pathname === '/version') {
        send(res, 200, versionInfo());
        return;
      }
      const user = impersonate(
        authenticate(req.headers.authorization, tokens),
        req.headersDistinct,
        rbac,
      );
      const types = registry.all();
      const isResourcePath =
        (segments[0] === 'api' && segments.length >= 3) ||
        (segments[0] === 'apis' && segments.length >= 4);
      if (
        !isResourcePath &&
        !isAllowedNonResource(user, 'get', url.pathname, rbac)
      ) {
        throw new ApiError(
          403,
          'Forbidden',
          `forbidden: User "${user.user}" cannot get path "${url.pathname}"`,
        );
      }
      if (segments[0] === 'apis' && segments.length === 4) {
        const review =
          REVIEW_RESOURCES[
            `${segments[1]}/${segments[3]}` as keyof typeof REVIEW_RESOURCES
          ];
        if (review && registry.lookup(segments[1], segments[2], segments[3])) {
          if (req.method !== 'POST') {
            throw errors.methodNotAllowed(
              `${segments[3]} only support create (POST)`,
            );
          }
          const contentType = mediaTypeOf(req);
          const body = parseBody(await readBody(req), contentType);
          const answers = {
            SelfSubjectAccessReview: () =>
              selfSubjectAccessReview(user, body, rbac),
            SelfSubjectRulesReview: () =>
              selfSubjectRulesReview(user, body, rbac),
            SelfSubjectReview: () =>
              selfSubjectReview(user, `${segments[1]}/${segments[2]}`),
          };
          const answer = answers[review]();
          send(res, 201, answer);
          return;
        }
      }
      if (url.pathname === '/openapi/v2') {
        send(res, 200, openApiV2Document(types));
        return;
      }
      if (url.pathname === '/openapi/v3') {
        send(res, 200, openApiIndex(types));
        return;
      }
      if (url.pathname.startsWith('/openapi/v3/')) {
        const key = url.pathname.slice('/openapi/v3/'.length);
        const matching = types.filter(t => openApiKey(t) === key);
        if (matching.length) {
          send(res, 200, openApiDocument(matching));
          return;
        }
      }
      if (url.pathname === '/api') {
        send(res, 200, coreVersions(String(req.headers.host ?? '')));
        return;
      }
      if (url.pathname === '/apis') {
        send(res, 200, groupList(types));
        return;
      }
      if (url.pathname === '/api/v1') {
        send(
          res,
          200,
          resourceList(
            types.filter(t => t.group === ''),
            'v1',
          ),
        );
        return;
      }
      if (segments[0] === 'apis' && segments.length === 2) {
        const g = group(types, segments[1]);
        if (g) {
          send(res, 200, g);
          return;
        }
      }
      if (segments[0] === 'apis' && segments.length === 3) {
        const matching = types.filter(
          t => t.group === segments[1] && t.version === segments[2],
        );
        if (matching.length) {
          send(
            res,
            200,
            resourceList(matching, `${segments[1]}/${segments[2]}`),
          );
          return;
        }
      }
      if (
        (segments[0] === 'api' && segments.length >= 3) ||
        (segments[0] === 'apis' && segments.length >= 4)
      ) {
        const r = resolve(segments, url.searchParams);
        if (r) {
          await handleResource(req, res, user, r, url.searchParams);
          return;
        }
      }
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              'InternalError',
              `Internal error occurred: ${(error as Error).message}`,
            );
      if (res.headersSent) {
        res.end();
      } else {
        send(res, apiError.code, apiError.toStatus());
      }
    } finally {
      deps.logger?.(
        `${req.method} ${url.pathname}${url.search} ${res.statusCode} ${
          Date.now() - started
        }ms`,
      );
    }
  };
}
