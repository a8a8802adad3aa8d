import fc from 'fast-check';
import { z } from 'zod';
import { firstZodIssueMessage, formatZodIssue } from './zodIssues';

describe('formatZodIssue', () => {
  it('names a nested field by its dotted path', () => {
    const result = z
      .object({ deployment: z.object({ status: z.enum(['success']) }) })
      .safeParse({ deployment: { status: 'ok' } });
    expect(formatZodIssue(result.error!.issues[0])).toMatch(
      /^deployment\.status: .*"success"/,
    );
  });

  it('names array indexes and the root', () => {
    expect(formatZodIssue({ path: ['rows', 3, 'id'], message: 'm' })).toBe(
      'rows.3.id: m',
    );
    expect(formatZodIssue({ path: [], message: 'm' })).toBe('(root): m');
    expect(formatZodIssue({ path: [], message: 'm' }, '(row)')).toBe(
      '(row): m',
    );
  });

  it('names symbol keys instead of throwing', () => {
    expect(formatZodIssue({ path: [Symbol('s')], message: 'm' })).toBe(
      'Symbol(s): m',
    );
  });

  it('ends with the message and starts with the path of any issue', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.nat())),
        fc.string(),
        (path, message) => {
          const text = formatZodIssue({ path, message });
          expect(text.endsWith(`: ${message}`)).toBe(true);
          expect(text.startsWith(path.length ? path.join('.') : '(root)')).toBe(
            true,
          );
        },
      ),
    );
  });
});

describe('firstZodIssueMessage', () => {
  const schema = z.object({ name: z.string().min(3), size: z.number() });

  it('names the first failing field only', () => {
    const result = schema.safeParse({ name: 'a', size: 'x' });
    expect(firstZodIssueMessage(result.error!)).toMatch(/^Invalid name: /);
  });

  it('names the request when the value itself is wrong', () => {
    const result = schema.safeParse('x');
    expect(firstZodIssueMessage(result.error!)).toMatch(/^Invalid request: /);
    expect(firstZodIssueMessage(result.error!, 'body')).toMatch(
      /^Invalid body: /,
    );
  });
});
