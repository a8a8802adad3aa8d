/**
 * The catalog index page's own chunk. One function for the page's loader and for fetching it ahead
 * (pagePreloads), so both ask for the same chunk; named so that it can be told apart in the build.
 */
export const loadPortalCatalogPage = () =>
  import(/* webpackChunkName: "catalog-page" */ './PortalCatalogPage');
