import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { readLocalGitConfig } from './config';
import { LocalGitRepositories } from './services/LocalGitRepositories';

/**
 * The local Git host's repositories, shared by the HTTP host, its URL reader and the scaffolder
 * actions of one backend process.
 *
 * @public
 */
export const localGitRepositoriesServiceRef =
  createServiceRef<LocalGitRepositories>({
    id: 'local-git.repositories',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.rootLogger,
        },
        factory: ({ config, logger }) =>
          LocalGitRepositories.create({
            config: readLocalGitConfig(config),
            logger: logger.child({ service: 'local-git' }),
          }),
      }),
  });
