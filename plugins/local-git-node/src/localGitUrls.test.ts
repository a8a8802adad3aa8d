import fc from 'fast-check';
import { buildLocalGitUrls, parseLocalGitUrl } from './localGitUrls';

const base = 'http://localhost:7007/api/local-git';

describe('local Git URLs', () => {
  it('builds the URLs the publish action returns', () => {
    expect(buildLocalGitUrls(`${base}/`, 'orders-api', 'main')).toEqual({
      remoteUrl: `${base}/orders-api/tree/main/`,
      repoContentsUrl: `${base}/orders-api/blob/main/`,
      cloneUrl: `${base}/orders-api.git`,
    });
  });

  it.each([
    [`${base}/orders-api`, { repo: 'orders-api', path: '' }],
    [`${base}/orders-api.git`, { repo: 'orders-api', path: '' }],
    [
      `${base}/orders-api/blob/main/catalog-info.yaml`,
      { repo: 'orders-api', ref: 'main', path: 'catalog-info.yaml' },
    ],
    [
      `${base}/orders-api/tree/main/`,
      { repo: 'orders-api', ref: 'main', path: '' },
    ],
    [
      `${base}/orders-api/blob/main/docs/a%20b.md`,
      { repo: 'orders-api', ref: 'main', path: 'docs/a b.md' },
    ],
    [
      `${base}/orders-api/tree/main/docs/**/*.md`,
      { repo: 'orders-api', ref: 'main', path: 'docs/**/*.md' },
    ],
  ])('parses %s', (url, expected) => {
    expect(parseLocalGitUrl(base, url)).toEqual(expected);
  });

  it.each([
    'http://localhost:7008/api/local-git/orders-api/blob/main/x',
    'http://localhost:7007/api/catalog/orders-api/blob/main/x',
    `${base}/Orders/blob/main/x`,
    `${base}/orders-api/raw/main/x`,
    `${base}/orders-api/blob/-main/x`,
    `${base}/orders-api/blob/main/%2e%2e/%2e%2e/secret`,
    `${base}/orders-api/blob/main/docs%2F..%2F..%2Fx`,
    `${base}/%2e%2e/blob/main/x`,
    `${base}/orders-api/blob/main/%E0%A4%A`,
    'not a url',
  ])('refuses %s', url => {
    expect(parseLocalGitUrl(base, url)).toBeUndefined();
  });

  it('never yields a parent segment or an invalid repository for any URL path', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.constantFrom(
                '..',
                '%2e%2e',
                '.',
                '%2F',
                'blob',
                'tree',
                'main',
                'orders-api',
                'orders-api.git',
              ),
              fc.webSegment(),
            ),
            { maxLength: 8 },
          ),
          segments => {
            const location = parseLocalGitUrl(
              base,
              `${base}/${segments.join('/')}`,
            );
            return (
              location === undefined ||
              (/^[a-z][a-z0-9-]{2,29}$/.test(location.repo) &&
                !location.path.split('/').includes('..'))
            );
          },
        ),
      ),
    ).not.toThrow();
  });
});
