import { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, LocalControlPlaneToken } from '../auth/authentication';
import { isAllowedNonResource, RbacSource } from '../auth/rbacAuthorizer';
import { impersonate } from '../auth/impersonation';
import { ObjectService } from '../api/ObjectService';
import { ResourceTypeRegistry } from '../api/resourceTypes';
import { ApiError } from '../api/status';
import { ObjectStore } from '../store/ObjectStore';
import {
  answerDiscovery,
  answerReview,
  versionAnswer,
} from './discoveryRoutes';
import { resolveResourceRequest } from './requests';
import { handleResourceRequest } from './resourceHandlers';
import { sendJson } from './responses';
import { isAllowedHost } from './hostHeader';

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

/**
 * The HTTP face of the control plane: health and version (public), then authentication,
 * impersonation and RBAC, the self-subject reviews, discovery and OpenAPI documents, and the REST
 * verbs of the Kubernetes API over ObjectService (see resourceHandlers), including watches as
 * newline-delimited JSON streams. Errors answer as Kubernetes Status objects.
 */
export function createApiHandler(deps: ApiServerDeps) {
  const { registry, tokens, rbac } = deps;

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    segments: string[],
  ): Promise<void> {
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (url.pathname === '/version') {
      const { code, body } = versionAnswer();
      sendJson(res, code, body);
      return;
    }
    const user = impersonate(
      authenticate(req.headers.authorization, tokens),
      req.headersDistinct,
      rbac,
    );
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
    const answer =
      (await answerReview(deps, req, user, segments)) ??
      answerDiscovery(registry, req, url.pathname, segments);
    if (answer) {
      sendJson(res, answer.code, answer.body);
      return;
    }
    if (isResourcePath) {
      const r = resolveResourceRequest(registry, segments, url.searchParams);
      if (r) {
        await handleResourceRequest(deps, req, res, user, r, url.searchParams);
        return;
      }
    }
    throw new ApiError(
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
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
      await route(req, res, url, segments);
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
        sendJson(res, apiError.code, apiError.toStatus());
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
