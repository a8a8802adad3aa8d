import fc from 'fast-check';
import {
  assertValidRepositoryName,
  isValidRef,
  isValidRepositoryName,
  normalizeRepositoryPath,
} from './repositoryNames';

describe('repository names', () => {
  it.each(['abc', 'orders-api', 'a1-2-3', 'a'.repeat(30)])(
    'accepts %s',
    name => {
      expect(isValidRepositoryName(name)).toBe(true);
    },
  );

  it.each([
    'ab',
    'a'.repeat(31),
    'Orders',
    '1abc',
    '-abc',
    'abc.git',
    '../etc',
    'abc/def',
    'abc\0',
    'abc ',
    '',
    'a_b_c',
  ])('refuses %j with an InputError naming the field', name => {
    expect(isValidRepositoryName(name)).toBe(false);
    expect(() => assertValidRepositoryName(name, 'repoName')).toThrow(
      /Invalid repoName .*3 to 30 characters/,
    );
  });

  it('never accepts a name that could leave the data folder', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.string({ maxLength: 40 }),
          name =>
            !isValidRepositoryName(name) ||
            (/^[a-z][a-z0-9-]{2,29}$/.test(name) &&
              !name.includes('/') &&
              !name.includes('.')),
        ),
      ),
    ).not.toThrow();
  });
});

describe('refs', () => {
  it.each(['main', 'trunk', 'release-1.2', 'a'.repeat(40)])(
    'accepts %s',
    ref => {
      expect(isValidRef(ref)).toBe(true);
    },
  );
  it.each([
    '-x',
    '--upload-pack=evil',
    'a..b',
    'x.lock',
    'feature/x',
    '',
    'HEAD@{1}',
    'a b',
  ])('refuses %j', ref => {
    expect(isValidRef(ref)).toBe(false);
  });
  it('never accepts an option-like or multi-segment ref', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.string(),
          ref =>
            !isValidRef(ref) ||
            (!ref.startsWith('-') && !ref.includes('/') && !ref.includes('..')),
        ),
      ),
    ).not.toThrow();
  });
});

describe('normalizeRepositoryPath', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['docs/', 'docs'],
    ['./docs//index.md', 'docs/index.md'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeRepositoryPath(input)).toBe(expected);
  });

  it.each(['..', 'docs/../../x', 'a/..', 'a\\b', 'a\0b'])(
    'refuses %j',
    path => {
      expect(() => normalizeRepositoryPath(path)).toThrow(/Invalid path/);
    },
  );

  it('never returns a path with a parent segment', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('..', '.', '', 'a', 'b.md', '...', 'x\\y'), {
          maxLength: 8,
        }),
        segments => {
          let result: string | undefined;
          try {
            result = normalizeRepositoryPath(segments.join('/'));
          } catch {
            return;
          }
          expect(result.split('/')).not.toContain('..');
          expect(result.startsWith('/')).toBe(false);
        },
      ),
    );
  });
});
