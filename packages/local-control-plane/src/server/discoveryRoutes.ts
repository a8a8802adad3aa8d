import { IncomingMessage } from 'node:http';
import { UserInfo } from '../auth/authentication';
import { RbacSource } from '../auth/rbacAuthorizer';
import {
  REVIEW_RESOURCES,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
} from '../auth/reviews';
import { ResourceTypeRegistry } from '../api/resourceTypes';
import { errors } from '../api/status';
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
import { mediaTypeOf, parseBody, readBody } from './requests';

/** A JSON answer to a path that is not a stored resource. */
export interface JsonAnswer {
  code: number;
  body: unknown;
}

/** The public answer of `/version`, which system:public-info-viewer opens on real clusters. */
export const versionAnswer = (): JsonAnswer => ({
  code: 200,
  body: versionInfo(),
});

/**
 * The self-subject reviews (`POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews` and
 * the like), answered for the caller; undefined when the path is not a review.
 */
export async function answerReview(
  deps: { registry: ResourceTypeRegistry; rbac: RbacSource },
  req: IncomingMessage,
  user: UserInfo,
  segments: string[],
): Promise<JsonAnswer | undefined> {
  if (segments[0] !== 'apis' || segments.length !== 4) return undefined;
  const review =
    REVIEW_RESOURCES[
      `${segments[1]}/${segments[3]}` as keyof typeof REVIEW_RESOURCES
    ];
  if (!review || !deps.registry.lookup(segments[1], segments[2], segments[3])) {
    return undefined;
  }
  if (req.method !== 'POST') {
    throw errors.methodNotAllowed(`${segments[3]} only support create (POST)`);
  }
  const body = parseBody(await readBody(req), mediaTypeOf(req));
  const answers = {
    SelfSubjectAccessReview: () =>
      selfSubjectAccessReview(user, body, deps.rbac),
    SelfSubjectRulesReview: () => selfSubjectRulesReview(user, body, deps.rbac),
    SelfSubjectReview: () =>
      selfSubjectReview(user, `${segments[1]}/${segments[2]}`),
  };
  return { code: 201, body: answers[review]() };
}

/**
 * Discovery and OpenAPI documents of the registered types (`/api`, `/apis`, `/api/v1`,
 * `/apis/<group>[/<version>]`, `/openapi/v2`, `/openapi/v3[/<key>]`); undefined for other paths.
 */
export function answerDiscovery(
  registry: ResourceTypeRegistry,
  req: IncomingMessage,
  pathname: string,
  segments: string[],
): JsonAnswer | undefined {
  const types = registry.all();
  const ok = (body: unknown): JsonAnswer => ({ code: 200, body });
  if (pathname === '/openapi/v2') return ok(openApiV2Document(types));
  if (pathname === '/openapi/v3') return ok(openApiIndex(types));
  if (pathname.startsWith('/openapi/v3/')) {
    const key = pathname.slice('/openapi/v3/'.length);
    const matching = types.filter(t => openApiKey(t) === key);
    if (matching.length) return ok(openApiDocument(matching));
  }
  if (pathname === '/api') {
    return ok(coreVersions(String(req.headers.host ?? '')));
  }
  if (pathname === '/apis') return ok(groupList(types));
  if (pathname === '/api/v1') {
    return ok(
      resourceList(
        types.filter(t => t.group === ''),
        'v1',
      ),
    );
  }
  if (segments[0] === 'apis' && segments.length === 2) {
    const g = group(types, segments[1]);
    if (g) return ok(g);
  }
  if (segments[0] === 'apis' && segments.length === 3) {
    const matching = types.filter(
      t => t.group === segments[1] && t.version === segments[2],
    );
    if (matching.length) {
      return ok(resourceList(matching, `${segments[1]}/${segments[2]}`));
    }
  }
  return undefined;
}
