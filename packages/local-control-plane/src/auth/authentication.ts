import { timingSafeEqual } from 'node:crypto';
import { errors } from '../api/status';

/** A bearer token the control plane accepts and the identity it stands for. */
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

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Authenticates `Authorization: Bearer <token>` against the configured tokens; anything else is 401,
 * as kube-apiserver does with anonymous auth disabled.
 */
export function authenticate(
  authorization: string | undefined,
  tokens: LocalControlPlaneToken[],
): UserInfo {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
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
