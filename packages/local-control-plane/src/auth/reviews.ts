import { isObject, JsonObject } from '../api/objects';
import { errors } from '../api/status';
import { UserInfo } from './authentication';
import {
  isAllowed,
  isAllowedNonResource,
  isSuperUser,
  RbacSource,
  rulesFor,
} from './rbacAuthorizer';

/**
 * The self-review APIs kubectl uses to ask about the caller: `kubectl auth can-i` posts a
 * SelfSubjectAccessReview (`--list`: a SelfSubjectRulesReview), `kubectl auth whoami` a
 * SelfSubjectReview. They are never stored; the answer is the status of the posted object.
 * https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access
 */

/** The review kinds by `group/resource`, each answered by a pure function of the caller. */
export const REVIEW_RESOURCES = {
  'authorization.k8s.io/selfsubjectaccessreviews': 'SelfSubjectAccessReview',
  'authorization.k8s.io/selfsubjectrulesreviews': 'SelfSubjectRulesReview',
  'authentication.k8s.io/selfsubjectreviews': 'SelfSubjectReview',
} as const;

const str = (value: unknown) => (typeof value === 'string' ? value : '');

function specOf(body: unknown): JsonObject {
  if (!isObject(body))
    throw errors.badRequest('the request body must be an object');
  return isObject(body.spec) ? body.spec : {};
}

/** Answers a SelfSubjectAccessReview: may the caller do this? */
export function selfSubjectAccessReview(
  who: UserInfo,
  body: unknown,
  rbac: RbacSource,
): JsonObject {
  const spec = specOf(body);
  let allowed: boolean;
  if (isObject(spec.resourceAttributes)) {
    const a = spec.resourceAttributes;
    if (!str(a.verb)) {
      throw errors.invalid(
        'SelfSubjectAccessReview',
        'authorization.k8s.io',
        '',
        [
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.resourceAttributes.verb',
          },
        ],
      );
    }
    allowed = isAllowed(
      who,
      {
        verb: str(a.verb),
        group: str(a.group),
        resource: str(a.resource),
        subresource: str(a.subresource) || undefined,
        namespace: str(a.namespace) || undefined,
        name: str(a.name) || undefined,
      },
      rbac,
    );
  } else if (isObject(spec.nonResourceAttributes)) {
    const a = spec.nonResourceAttributes;
    allowed = isAllowedNonResource(who, str(a.verb), str(a.path), rbac);
  } else {
    throw errors.invalid(
      'SelfSubjectAccessReview',
      'authorization.k8s.io',
      '',
      [
        {
          reason: 'FieldValueRequired',
          message:
            'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
          field: 'spec.resourceAttributes',
        },
      ],
    );
  }
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec,
    status: {
      allowed,
      ...(allowed && !isSuperUser(who)
        ? { reason: 'RBAC: allowed by the roles bound to the user' }
        : {}),
    },
  };
}

/** Answers a SelfSubjectRulesReview: everything the caller may do in `spec.namespace`. */
export function selfSubjectRulesReview(
  who: UserInfo,
  body: unknown,
  rbac: RbacSource,
): JsonObject {
  const spec = specOf(body);
  const namespace = str(spec.namespace) || undefined;
  const rules = isSuperUser(who)
    ? [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ]
    : rulesFor(who, namespace, rbac);
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec,
    status: {
      resourceRules: rules
        .filter(r => r.resources?.length)
        .map(r => ({
          verbs: r.verbs ?? [],
          apiGroups: r.apiGroups ?? [],
          resources: r.resources ?? [],
          ...(r.resourceNames?.length
            ? { resourceNames: r.resourceNames }
            : {}),
        })),
      nonResourceRules: rules
        .filter(r => r.nonResourceURLs?.length)
        .map(r => ({
          verbs: r.verbs ?? [],
          nonResourceURLs: r.nonResourceURLs ?? [],
        })),
      incomplete: false,
    },
  };
}

/** Answers a SelfSubjectReview: who the server thinks the caller is (after impersonation). */
export function selfSubjectReview(
  who: UserInfo,
  apiVersion: string,
): JsonObject {
  return {
    apiVersion,
    kind: 'SelfSubjectReview',
    metadata: {},
    status: { userInfo: { username: who.user, groups: who.groups } },
  };
}
