import { IncomingMessage, ServerResponse } from 'node:http';
import { UserInfo } from '../auth/authentication';
import {
  isAllowed,
  RbacSource,
  RequestAttributes,
} from '../auth/rbacAuthorizer';
import { KubeObject } from '../api/objects';
import { ObjectService, WriteOptions } from '../api/ObjectService';
import { errors } from '../api/status';
import { ObjectStore } from '../store/ObjectStore';
import {
  apiVersionOf,
  deleteOptions,
  mediaTypeOf,
  parseBody,
  PATCH_TYPES,
  readBody,
  ReadVerb,
  ResourceRequest,
  tooLargeResourceVersion,
  verbFor,
  wantsTable,
  WriteVerb,
  writeOptions,
} from './requests';
import { sendJson } from './responses';
import { includeObjectOf, toTable } from './table';
import { watchResource } from './watchHandler';

/** What the resource handlers need of the control plane. */
export interface ResourceHandlerDeps {
  store: ObjectStore;
  service: ObjectService;
  rbac: RbacSource;
}

/** One request for a resource, authenticated and authorised for its verb. */
interface ResourceContext {
  deps: ResourceHandlerDeps;
  req: IncomingMessage;
  res: ServerResponse;
  user: UserInfo;
  request: ResourceRequest;
  query: URLSearchParams;
  attrs: RequestAttributes;
}

/** The decoded body and options of a write. */
interface WriteInput {
  body: unknown;
  contentType: string;
  options: WriteOptions & { force?: boolean };
}

/** The metadata of a list: where it stands, and where the next page starts. */
interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * What a verb answers: one object, with its status code and warnings for the client; a list,
 * which `list` renders as a Table when asked for and `deletecollection` never does; or nothing,
 * when the handler streams the response itself (a watch).
 */
type ResourceResult =
  | { kind: 'object'; code: number; object: KubeObject; warnings?: string[] }
  | {
      kind: 'list';
      items: KubeObject[];
      metadata: ListMeta;
      tableAllowed: boolean;
    }
  | { kind: 'streamed' };

const readHandlers: Record<ReadVerb, (ctx: ResourceContext) => ResourceResult> =
  {
    watch: ({ deps, req, res, request, query }) => {
      watchResource(deps, req, res, request, query);
      return { kind: 'streamed' };
    },
    get: ({ deps, request: r }) => ({
      kind: 'object',
      code: 200,
      object: deps.service.get(r.type, r.namespace, r.name!),
    }),
    list: ({ deps, request: r, query }) => {
      const { store, service } = deps;
      const rv = query.get('resourceVersion');
      if (rv && rv !== '0' && Number(rv) > store.resourceVersion) {
        tooLargeResourceVersion(rv, store.resourceVersion);
      }
      const limit = query.has('limit') ? Number(query.get('limit')) : undefined;
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
      return {
        kind: 'list',
        items: page.items,
        metadata: {
          resourceVersion: page.resourceVersion,
          ...(page.continue
            ? {
                continue: page.continue,
                remainingItemCount: page.remainingItemCount,
              }
            : {}),
        },
        tableAllowed: true,
      };
    },
  };

const writeHandlers: Record<
  WriteVerb,
  (ctx: ResourceContext, input: WriteInput) => ResourceResult
> = {
  create: ({ deps, request: r }, { body, options }) => {
    if (r.name) {
      throw errors.methodNotAllowed(
        'POST to a named resource is not supported',
      );
    }
    const result = deps.service.create(
      r.type,
      r.namespace,
      body as KubeObject,
      options,
    );
    return {
      kind: 'object',
      code: 201,
      object: result.object,
      warnings: result.warnings,
    };
  },
  update: ({ deps, request: r }, { body, options }) => {
    const result = deps.service.update(
      r.type,
      r.namespace,
      r.name!,
      body as KubeObject,
      options,
    );
    return {
      kind: 'object',
      code: 200,
      object: result.object,
      warnings: result.warnings,
    };
  },
  patch: (
    { deps, request: r, query, user, attrs },
    { body, contentType, options },
  ) => {
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
        !deps.service.find(r.type, r.namespace, r.name!) &&
        !isAllowed(user, { ...attrs, verb: 'create' }, deps.rbac)
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
    const result = deps.service.patch(
      r.type,
      r.namespace,
      r.name!,
      patchType,
      body,
      options,
    );
    return {
      kind: 'object',
      code: result.created ? 201 : 200,
      object: result.object,
      warnings: result.warnings,
    };
  },
  delete: ({ deps, request: r, query }, { body, options }) => ({
    kind: 'object',
    code: 200,
    object: deps.service.delete(
      r.type,
      r.namespace,
      r.name!,
      deleteOptions(body, query, options.dryRun ?? false),
    ),
  }),
  deletecollection: ({ deps, request: r, query }, { body, options }) => {
    const opts = deleteOptions(body, query, options.dryRun ?? false);
    const { items } = deps.service.list(r.type, r.namespace, {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
    const deleted = items.map(item =>
      deps.service.delete(
        r.type,
        item.metadata.namespace,
        item.metadata.name!,
        { ...opts, preconditions: undefined },
      ),
    );
    return {
      kind: 'list',
      items: deleted,
      metadata: { resourceVersion: String(deps.store.resourceVersion) },
      tableAllowed: false,
    };
  },
};

const isReadVerb = (verb: string): verb is ReadVerb =>
  verb === 'get' || verb === 'list' || verb === 'watch';

/** Sends a verb's result: as JSON objects and lists, or as a Table when the client asks. */
function sendResult(ctx: ResourceContext, result: ResourceResult) {
  const { req, res, request: r, query } = ctx;
  const asTable = wantsTable(req);
  const includeObject = includeObjectOf(query.get('includeObject'));
  switch (result.kind) {
    case 'streamed':
      return;
    case 'object': {
      const { object, warnings = [] } = result;
      const headers: Record<string, string> = {};
      if (warnings.length)
        headers.Warning = warnings
          .map(w => `299 - "${w.replace(/"/g, "'")}"`)
          .join(', ');
      sendJson(
        res,
        result.code,
        asTable
          ? toTable(
              r.type,
              [object],
              object.metadata.resourceVersion ?? '',
              includeObject,
            )
          : object,
        headers,
      );
      return;
    }
    case 'list':
      sendJson(
        res,
        200,
        asTable && result.tableAllowed
          ? {
              ...toTable(
                r.type,
                result.items,
                result.metadata.resourceVersion,
                includeObject,
              ),
              metadata: result.metadata,
            }
          : {
              apiVersion: apiVersionOf(r.type),
              kind: r.type.listKind,
              metadata: result.metadata,
              items: result.items,
            },
      );
      return;
    default:
  }
}

/**
 * Serves a resource path: checks the verb against the type and the caller's RBAC, then hands the
 * request to the handler of its verb. Reads answer at once; writes first decode their body.
 */
export async function handleResourceRequest(
  deps: ResourceHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  user: UserInfo,
  r: ResourceRequest,
  query: URLSearchParams,
): Promise<void> {
  const verb = verbFor(req.method ?? 'GET', r);
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
  const attrs: RequestAttributes = {
    verb,
    group: r.type.group,
    resource: r.type.resource,
    subresource: r.subresource,
    namespace: r.namespace,
    name: r.name,
  };
  if (!isAllowed(user, attrs, deps.rbac)) {
    throw errors.forbidden(
      user.user,
      verb,
      r.subresource ? `${r.type.resource}/${r.subresource}` : r.type.resource,
      r.type.group,
      r.namespace,
      r.name,
    );
  }
  const ctx: ResourceContext = {
    deps,
    req,
    res,
    user,
    request: r,
    query,
    attrs,
  };
  if (isReadVerb(verb)) {
    sendResult(ctx, readHandlers[verb](ctx));
    return;
  }
  const contentType = mediaTypeOf(req);
  const body = parseBody(await readBody(req), contentType);
  const options = writeOptions(query, req, r.subresource);
  sendResult(ctx, writeHandlers[verb](ctx, { body, contentType, options }));
}
