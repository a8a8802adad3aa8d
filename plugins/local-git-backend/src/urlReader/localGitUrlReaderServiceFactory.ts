import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { localGitRepositoriesServiceRef } from '@internal/plugin-local-git-node';
import { LocalGitUrlReader } from './LocalGitUrlReader';

/**
 * Adds the local Git host's URL reader to every plugin's UrlReaderService (catalog, TechDocs,
 * scaffolder), ahead of the default readers.
 *
 * @public
 */
export const localGitUrlReaderServiceFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: { repositories: localGitRepositoriesServiceRef },
  async factory({ repositories }) {
    return LocalGitUrlReader.factory(repositories);
  },
});
