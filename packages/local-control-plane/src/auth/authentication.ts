import { timingSafeEqual } from 'node:crypto';
import { errors } from '../api/status';

/**
 * A bearer token the control plane accepts and the identity it stands for.
 *
 * @public
 */
export interface LocalControlPlaneToken {
  token: string;
  user: string;
  groups?: string[];
}

/** Who made a request. */
export interface UserInfo {
  user: string;
  groups: string[];
}

/** Who sends no credentials. */
export const ANONYMOUS: UserInfo = {
  user: 'system:anonymous',
  groups: ['system:unauthenticated'],
};

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Authenticates `Authorization: Bearer <token>` against the configured tokens: an unknown token or
 * another scheme is 401, a request without credentials is system:anonymous.
 */
export function authenticate(
  authorization: string | undefined,
  tokens: LocalControlPlaneToken[],
): UserInfo {
  // No credentials at all: the anonymous user, whom RBAC then refuses (403), as kube-apiserver
  // does with its default --anonymous-auth=true. Credentials that do not check out stay 401.
  if (authorization === undefined) return ANONYMOUS;
  const match = authorization.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw errors.unauthorized();
  const entry = tokens.find(t => safeEqual(t.token, match[1]));
  if (!entry) throw errors.unauthorized();
  return withImplicitGroups(entry.user, entry.groups ?? []);
}

/**
 * The groups kube-apiserver adds to every authenticated user: system:authenticated, and for a
 * service account system:serviceaccounts and system:serviceaccounts:<namespace>.
 */
export function withImplicitGroups(user: string, groups: string[]): UserInfo {
  const all = new Set([...groups, 'system:authenticated']);
  const sa = user.match(/^system:serviceaccount:([^:]+):/);
  if (sa) {
    all.add('system:serviceaccounts');
    all.add(`system:serviceaccounts:${sa[1]}`);
  }
  return { user, groups: [...all] };
}
