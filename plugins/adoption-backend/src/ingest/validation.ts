import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses a raw body as JSON, naming the problem when it is not. */
export function parseJsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new InputError(
      'Request body is missing; send JSON with Content-Type: application/json',
    );
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InputError(
      `Request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** Validates with a zod schema; the error names every failing field (the first ten). */
export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 10)
      .map(
        issue =>
          `${issue.path.length ? issue.path.join('.') : '(root)'}: ${
            issue.message
          }`,
      )
      .join('; ');
    throw new InputError(`Invalid ${what}: ${problems}`);
  }
  return result.data;
}
