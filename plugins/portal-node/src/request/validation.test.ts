import { InputError } from '@backstage/errors';
import fc from 'fast-check';
import { z } from 'zod';
import { parseJsonBody, parseWith } from './validation';

function errorOf(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** 'value' when run returns, the error's class name when it throws. */
function outcomeOf(run: () => unknown): string {
  return errorOf(run)?.constructor.name ?? 'value';
}

describe('parseJsonBody', () => {
  it('parses a JSON body', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
  });

  it.each([
    ['a missing body', undefined, /body is missing/],
    ['an empty body', Buffer.alloc(0), /body is missing/],
    ['a body Express already parsed', { a: 1 }, /body is missing/],
    ['truncated JSON', Buffer.from('{"a":'), /not valid JSON/],
  ])('refuses %s with an InputError', (_, body, message) => {
    expect(() => parseJsonBody(body)).toThrow(InputError);
    expect(() => parseJsonBody(body)).toThrow(message);
  });

  it('answers any bytes with a value or an InputError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), bytes => {
        expect(outcomeOf(() => parseJsonBody(Buffer.from(bytes)))).toMatch(
          /^(value|InputError)$/,
        );
      }),
    );
  });
});

describe('parseWith', () => {
  const event = z.object({
    service: z.string().min(1),
    deployment: z.object({ status: z.enum(['success', 'failure']) }),
  });

  it('returns the parsed value', () => {
    const value = { service: 'a', deployment: { status: 'success' } };
    expect(parseWith(event, value, 'event')).toEqual(value);
  });

  it('names every failing field by its path and what is allowed', () => {
    expect(() =>
      parseWith(event, { service: '', deployment: { status: 'ok' } }, 'event'),
    ).toThrow(
      /^Invalid event: service: .*; deployment\.status: .*"success"\|"failure"/,
    );
  });

  it('names the root when the value is not even an object', () => {
    expect(() => parseWith(event, 'x', 'event')).toThrow(
      /^Invalid event: \(root\): /,
    );
  });

  it('names at most ten fields', () => {
    const wide = z.object(
      Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`f${i}`, z.string()]),
      ),
    );
    const error = errorOf(() => parseWith(wide, {}, 'row'));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message.split('; ')).toHaveLength(10);
  });
});
