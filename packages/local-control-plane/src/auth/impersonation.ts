import { errors } from '../api/status';
import { UserInfo, withImplicitGroups } from './authentication';
import { isAllowed, RbacSource } from './rbacAuthorizer';

/** Request headers as arrays (Node's `req.headersDistinct`), lower-cased names. */
export type DistinctHeaders = Record<string, string[] | undefined>;

/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the caller needs the `impersonate`
 * verb on `users` (or the `serviceaccounts` object for a service account), on every `groups` name,
 * on `uids` and `userextras/<key>` in authentication.k8s.io; otherwise 403, as kube-apiserver does.
 * The request then runs as the impersonated user alone: the caller's own rights do not carry over.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
 */
export function impersonate(
  caller: UserInfo,
  headers: DistinctHeaders,
  rbac: RbacSource,
): UserInfo {
  const user = headers['impersonate-user']?.[0];
  const groups = (headers['impersonate-group'] ?? []).flatMap(g =>
    g
      .split(',')
      .map(s => s.trim())
      .filter(Boolean),
  );
  const uid = headers['impersonate-uid']?.[0];
  const extras = Object.keys(headers).filter(h =>
    h.startsWith('impersonate-extra-'),
  );
  if (user === undefined) {
    if (groups.length || uid !== undefined || extras.length) {
      throw errors.badRequest(
        'Impersonate-Group, Impersonate-Uid and Impersonate-Extra-* require Impersonate-User',
      );
    }
    return caller;
  }
  const check = (
    resource: string,
    name: string,
    group = '',
    namespace?: string,
  ) => {
    if (
      !isAllowed(
        caller,
        { verb: 'impersonate', group, resource, name, namespace },
        rbac,
      )
    ) {
      throw errors.forbidden(
        caller.user,
        'impersonate',
        resource,
        group,
        namespace,
        name,
      );
    }
  };
  const sa = user.match(/^system:serviceaccount:([^:]+):([^:]+)$/);
  if (sa) check('serviceaccounts', sa[2], '', sa[1]);
  else check('users', user);
  for (const g of groups) check('groups', g);
  if (uid !== undefined) check('uids', uid, 'authentication.k8s.io');
  for (const h of extras) {
    const key = decodeURIComponent(h.slice('impersonate-extra-'.length));
    for (const value of headers[h] ?? []) {
      check(`userextras/${key}`, value, 'authentication.k8s.io');
    }
  }
  return withImplicitGroups(user, groups);
}
