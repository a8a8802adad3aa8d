import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  assertValidRef,
  assertValidRepositoryName,
} from '@internal/plugin-local-git-node';
import { RepositoryPublisher } from '../publishers/types';
import { examples } from './registerInCatalog.examples';

/** The entity a template links to: the first Component, as Backstage's catalog:register picks it. */
function mainEntity(entities: Entity[]): Entity | undefined {
  const named = entities.filter(e => !e.metadata.name.startsWith('generated-'));
  return named.find(e => e.kind === 'Component') ?? named[0] ?? entities[0];
}

/**
 * `portal:catalog:register`: registers the `catalog-info.yaml` of a repository the portal just
 * published. Registering a location is platform-only in the portal's policy, because the catalog
 * reads a location (and its placeholders) with the portal's integration tokens; Backstage's
 * `catalog:register` registers with the initiator's credentials, so it fails for everyone else.
 * This action registers with the scaffolder's own identity instead, and therefore takes a
 * repository name, not a URL: the location is the publisher's own address for that repository, the
 * repository must exist there, and on a publisher that records it, it must have been created by
 * this very task.
 *
 * @public
 */
export function createRegisterInCatalogAction(options: {
  publisher: RepositoryPublisher;
  catalog: CatalogService;
  auth: AuthService;
  integrations: ScmIntegrationRegistry;
}) {
  const { publisher, catalog, auth, integrations } = options;
  return createTemplateAction({
    id: 'portal:catalog:register',
    description:
      "Registers the catalog-info.yaml of a repository published by portal:publish in the catalog, with the scaffolder's own identity; only repositories at the portal's publisher are accepted.",
    examples,
    schema: {
      input: {
        repoName: z =>
          z.string().describe('Name of the repository portal:publish created'),
        defaultBranch: z =>
          z
            .string()
            .optional()
            .describe('Branch holding catalog-info.yaml (default main)'),
      },
      output: {
        entityRef: z =>
          z
            .string()
            .describe('The registered Component (or first entity) of the file'),
        catalogInfoUrl: z =>
          z.string().describe('The registered catalog-info.yaml'),
      },
    },
    async handler(ctx) {
      const { repoName } = ctx.input;
      const defaultBranch = ctx.input.defaultBranch ?? 'main';
      assertValidRepositoryName(repoName, 'repoName');
      assertValidRef(defaultBranch, 'defaultBranch');
      const { repoContentsUrl } = publisher.plannedUrls(
        repoName,
        defaultBranch,
      );
      const integration = integrations.byUrl(repoContentsUrl);
      if (!integration) {
        throw new InputError(
          `No integration is configured for ${repoContentsUrl}, where ${publisher.displayName} keeps ${repoName}`,
        );
      }
      const catalogInfoUrl = integration.resolveUrl({
        base: repoContentsUrl,
        url: '/catalog-info.yaml',
      });

      if (!(await publisher.exists(repoName))) {
        throw new InputError(
          `repoName '${repoName}' is not a repository at ${publisher.displayName}; publish it with portal:publish first`,
        );
      }
      const creatorTask = await publisher.createdByTask(repoName);
      if (creatorTask !== undefined && creatorTask !== ctx.task.id) {
        throw new NotAllowedError(
          `Repository '${repoName}' was created by another scaffolder task; only the task that published a repository registers it`,
        );
      }

      const credentials = await auth.getOwnServiceCredentials();
      const location = { type: 'url', target: catalogInfoUrl };
      ctx.logger.info(`Registering ${catalogInfoUrl} in the catalog`);
      await ctx.checkpoint({
        key: `portal.catalog.register.${repoName}`,
        fn: async () => {
          try {
            await catalog.addLocation(location, { credentials });
          } catch (error) {
            // Registered already, by a recovered run of this task: nothing left to do.
            if (
              !(error instanceof Error && error.name === ConflictError.name)
            ) {
              throw error;
            }
          }
        },
      });
      const { entities } = await catalog.addLocation(
        { ...location, dryRun: true },
        { credentials },
      );
      const entity = mainEntity(entities);
      if (entity) {
        ctx.output('entityRef', stringifyEntityRef(entity));
      }
      ctx.output('catalogInfoUrl', catalogInfoUrl);
    },
  });
}
