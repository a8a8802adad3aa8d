import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { formatZodIssue } from './zodIssues';

/** How many failing fields an error names; enough to fix a payload, short enough to read. */
const MAX_NAMED_ISSUES = 10;

/**
 * Parses a raw request body (routes mount `express.raw`, so a body that is not JSON is answered
 * by the route, not by Express's generic error) as JSON, naming the problem when it is not.
 *
 * @public
 */
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

/**
 * Validates a value with a zod schema; the InputError names every failing field by its path
 * (the first ten) with zod's message of what is allowed.
 *
 * @param what - what the value is, for the message: "event", "query", "ticket row 3"
 * @public
 */
export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, MAX_NAMED_ISSUES)
      .map(issue => formatZodIssue(issue))
      .join('; ');
    throw new InputError(`Invalid ${what}: ${problems}`);
  }
  return result.data;
}
