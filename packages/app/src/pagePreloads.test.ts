import { pagePreloads, preloadPageChunk } from './pagePreloads';

describe('preloadPageChunk', () => {
  const catalog = jest.fn().mockResolvedValue({});
  const other = jest.fn().mockResolvedValue({});
  const preloads = [
    { matches: (p: string) => p === '/catalog', load: catalog },
    { matches: (p: string) => p === '/other', load: other },
  ];

  beforeEach(() => jest.clearAllMocks());

  it('fetches the chunk of the page the app opens on, and only that one', () => {
    preloadPageChunk('/catalog', preloads);
    expect(catalog).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();
  });

  it('fetches nothing for a page without a preload', () => {
    preloadPageChunk('/docs', preloads);
    expect(catalog).not.toHaveBeenCalled();
    expect(other).not.toHaveBeenCalled();
  });

  it('leaves a failed fetch to the page, which asks again', async () => {
    const failing = jest.fn().mockRejectedValue(new Error('offline'));
    expect(() =>
      preloadPageChunk('/x', [{ matches: () => true, load: failing }]),
    ).not.toThrow();
    await Promise.resolve();
    expect(failing).toHaveBeenCalled();
  });
});

describe('pagePreloads', () => {
  const preloaded = (pathname: string) =>
    pagePreloads.some(p => p.matches(pathname));

  it('covers the catalog index, not the entity pages under it', () => {
    expect(preloaded('/catalog')).toBe(true);
    expect(preloaded('/catalog/')).toBe(true);
    expect(preloaded('/catalog/default/component/payments-api')).toBe(false);
  });
});
