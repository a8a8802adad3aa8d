import { InputError } from '@backstage/errors';

/**
 * Names of the components, repositories and deployments a golden path creates: 3 to 30 characters,
 * lowercase letters, digits and dashes, starting with a letter and not ending with a dash (a
 * Kubernetes name, a DNS label, may not end with one). Stricter than the local Git host's
 * repository names; the templates' form patterns are the same (a test in
 * packages/golden-path-templates compares them).
 *
 * @public
 */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

/** Throws an InputError naming the field and what is allowed unless `name` is a service name. */
export function assertValidServiceName(
  name: unknown,
  field: string = 'name',
): asserts name is string {
  if (typeof name !== 'string' || !SERVICE_NAME_PATTERN.test(name)) {
    throw new InputError(
      `Invalid ${field} ${JSON.stringify(
        name,
      )}: use 3 to 30 characters, lowercase letters, digits and dashes, starting with a letter and not ending with a dash`,
    );
  }
}
