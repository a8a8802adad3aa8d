import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  localGitRepositoriesServiceRef,
  readPublishingTarget,
} from '@internal/plugin-local-git-node';
import { createRouter } from './service/router';

/**
 * The local Git host at `/api/local-git`: `git clone <baseUrl>/<name>.git`, listings at
 * `<baseUrl>/<name>/tree/<branch>/`. Read-only; repositories come from `portal:publish`.
 *
 * @public
 */
export const localGitPlugin = createBackendPlugin({
  pluginId: 'local-git',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        scheduler: coreServices.scheduler,
        repositories: localGitRepositoriesServiceRef,
      },
      async init({ config, logger, httpRouter, scheduler, repositories }) {
        const enabled = readPublishingTarget(config) === 'local';
        httpRouter.use(await createRouter({ repositories, logger, enabled }));
        // git clients carry no Backstage token, so cloning (`/<name>.git/...`: smart and dumb
        // HTTP, read-only) is open. Listings and files are not: a process on the machine or a
        // page in the browser would otherwise read every repository without signing in. A
        // browser link works with the signed-in user's Backstage cookie.
        httpRouter.addAuthPolicy({
          path: '/:repo.git',
          allow: 'unauthenticated',
        });
        httpRouter.addAuthPolicy({ path: '/', allow: 'user-cookie' });
        if (enabled) {
          logger.info(
            `Local Git host serving repositories at ${repositories.baseUrl}`,
          );
          // A process that dies mid-publish leaves its temporary folder; one replica sweeps them.
          await scheduler.scheduleTask({
            id: 'local-git-remove-abandoned-publishes',
            frequency: { hours: 1 },
            timeout: { minutes: 5 },
            initialDelay: { minutes: 1 },
            fn: async () => {
              await repositories.removeAbandonedPublishes(60 * 60 * 1000);
            },
          });
        }
      },
    });
  },
});
