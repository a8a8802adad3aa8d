import { InputError } from '@backstage/errors';

/** Allowed repository names: 3 to 30 characters, lowercase letters, digits and dashes, starting with a letter. @public */
export const REPOSITORY_NAME_PATTERN = /^[a-z][a-z0-9-]{2,29}$/;

/** Branch names and commit ids accepted in URLs and by the publisher. */
const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Whether `name` is an allowed repository name. @public */
export function isValidRepositoryName(name: unknown): name is string {
  return typeof name === 'string' && REPOSITORY_NAME_PATTERN.test(name);
}

/**
 * Throws an InputError naming the field and what is allowed unless `name` is a valid repository name.
 * @public
 */
export function assertValidRepositoryName(
  name: unknown,
  field: string = 'name',
): asserts name is string {
  if (!isValidRepositoryName(name)) {
    throw new InputError(
      `Invalid ${field} ${JSON.stringify(
        name,
      )}: use 3 to 30 characters, lowercase letters, digits and dashes, starting with a letter`,
    );
  }
}

/** Whether `ref` is a branch name or commit id the local Git host accepts (single path segment). @public */
export function isValidRef(ref: unknown): ref is string {
  return (
    typeof ref === 'string' &&
    REF_PATTERN.test(ref) &&
    !ref.includes('..') &&
    !ref.endsWith('.lock') &&
    !ref.endsWith('.')
  );
}

/**
 * Throws an InputError unless `ref` is an accepted branch name.
 * @public
 */
export function assertValidRef(
  ref: unknown,
  field: string = 'defaultBranch',
): asserts ref is string {
  if (!isValidRef(ref)) {
    throw new InputError(
      `Invalid ${field} ${JSON.stringify(
        ref,
      )}: use letters, digits, dots, dashes and underscores, starting with a letter or digit`,
    );
  }
}

/**
 * Normalises a path inside a repository: no leading or trailing slashes, no empty, `.` or `..`
 * segments, no NUL bytes. Returns '' for the repository root.
 * @public
 */
export function normalizeRepositoryPath(path: string): string {
  const segments = path.split('/').filter(s => s !== '' && s !== '.');
  for (const segment of segments) {
    if (segment === '..' || segment.includes('\0') || segment.includes('\\')) {
      throw new InputError(
        `Invalid path ${JSON.stringify(path)} in repository`,
      );
    }
  }
  return segments.join('/');
}
