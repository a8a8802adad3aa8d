/**
 * The portal's local Git host: HTTP access at `/api/local-git` and a URL reader for the catalog
 * and TechDocs.
 *
 * @packageDocumentation
 */
export { localGitPlugin as default } from './plugin';
export { LocalGitUrlReader } from './urlReader/LocalGitUrlReader';
export { localGitUrlReaderServiceFactory } from './urlReader/localGitUrlReaderServiceFactory';
