// The loader's own module, not the catalog module's index: this runs before the app's code loads.
import { loadPortalCatalogPage } from './modules/catalog/loadPortalCatalogPage';

/** A page whose chunk is fetched as the app starts, when the app opens on that page. */
export interface PagePreload {
  /** Whether the address (`location.pathname`) is this page. */
  matches: (pathname: string) => boolean;
  /** The page's own loader, so the chunk fetched ahead is the one the page then uses. */
  load: () => Promise<unknown>;
}

/**
 * Pages fetched ahead. A page's chunk is otherwise asked for only once the user is signed in
 * (the session refresh) and the app has rendered its routes, one round trip after another;
 * fetched as the app starts, it arrives while the sign-in is still going on.
 */
export const pagePreloads: PagePreload[] = [
  {
    matches: pathname => /^\/catalog\/?$/.test(pathname),
    load: loadPortalCatalogPage,
  },
];

/**
 * Starts fetching the chunk of the page the app opens on, if it is one of `preloads`. A failed
 * fetch is left to the page's own loader, which asks again and shows its error.
 */
export function preloadPageChunk(
  pathname: string,
  preloads: PagePreload[] = pagePreloads,
): void {
  const page = preloads.find(p => p.matches(pathname));
  page?.load().catch(() => undefined);
}
