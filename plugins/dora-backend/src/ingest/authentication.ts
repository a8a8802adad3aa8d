import { AuthenticationError } from '@backstage/errors';
import { verify } from '@octokit/webhooks-methods';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the content nor
 * the length of a secret token shows in the time a wrong guess takes.
 */
function safeEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) {
    throw new AuthenticationError(
      'Missing Authorization: Bearer <token> header',
    );
  }
  return match[1];
}

/** The name of the configured source whose token the request carries. */
export function authenticateSource(
  header: string | undefined,
  tokens: ReadonlyMap<string, string>,
): string {
  const token = bearerToken(header);
  // Compare against every source so timing does not reveal which one nearly matched.
  let matched: string | undefined;
  for (const [name, expected] of tokens) {
    if (safeEqual(token, expected)) {
      matched = name;
    }
  }
  if (!matched) {
    throw new AuthenticationError('Unknown source token');
  }
  return matched;
}

/** Checks a bearer token against one expected value. */
export function authenticateToken(
  header: string | undefined,
  expected: string,
): void {
  if (!safeEqual(bearerToken(header), expected)) {
    throw new AuthenticationError('Invalid token');
  }
}

/** Verifies GitHub's X-Hub-Signature-256 over the raw body. */
export async function verifyGithubSignature(
  secret: string,
  body: Buffer,
  signature: string | undefined,
): Promise<void> {
  if (!signature) {
    throw new AuthenticationError('Missing X-Hub-Signature-256 header');
  }
  let valid = false;
  try {
    valid = await verify(secret, body.toString('utf8'), signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new AuthenticationError(
      'X-Hub-Signature-256 does not match the payload',
    );
  }
}

/**
 * Checks GitLab's X-Gitlab-Token. GitLab sends the webhook's secret token itself rather than a
 * signature, so it is compared in constant time like a bearer token.
 */
export function verifyGitlabToken(
  secretToken: string,
  header: string | undefined,
): void {
  if (!header) {
    throw new AuthenticationError('Missing X-Gitlab-Token header');
  }
  if (!safeEqual(header, secretToken)) {
    throw new AuthenticationError(
      'X-Gitlab-Token does not match the configured secret token',
    );
  }
}

/**
 * Verifies PagerDuty's X-PagerDuty-Signature (`v1=<hex HMAC-SHA256>`, several comma-separated
 * while a secret is being rotated).
 */
export function verifyPagerDutySignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
): void {
  if (!header) {
    throw new AuthenticationError('Missing X-PagerDuty-Signature header');
  }
  const expected = `v1=${createHmac('sha256', secret)
    .update(body)
    .digest('hex')}`;
  if (!header.split(',').some(s => safeEqual(s.trim(), expected))) {
    throw new AuthenticationError(
      'X-PagerDuty-Signature does not match the payload',
    );
  }
}
