import { stringifyEntityRef } from '@backstage/catalog-model';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PROVENANCE_ANNOTATIONS } from '../provenance';
import { RepositoryPublisher } from '../publishers/types';
import { assertValidServiceName } from '../serviceName';
import { examples } from './ensureNameAvailable.examples';

/**
 * `portal:name:ensure-available`: refuses a name that is invalid, already an entity in the
 * catalog, or already a repository at the publisher, before a template creates anything.
 *
 * @public
 */
export function createEnsureNameAvailableAction(options: {
  catalog: CatalogService;
  publisher: RepositoryPublisher;
}) {
  const { catalog, publisher } = options;
  return createTemplateAction({
    id: 'portal:name:ensure-available',
    description:
      'Fails with a clear message when the name is not allowed, already used by a catalog entity, or already a repository at the configured publisher. Read-only, so it also runs in dry runs.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe(
              'Name of the new component and its repository: 3 to 30 characters, lowercase letters, digits and dashes, starting with a letter and not ending with a dash',
            ),
        kind: z =>
          z
            .enum(['Component'])
            .optional()
            .describe('Entity kind (default Component)'),
        namespace: z =>
          z
            .enum(['default'])
            .optional()
            .describe('Entity namespace (default default)'),
        existing: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Dry runs only: the name is that of an existing component being re-rendered (portal:template:upgrade); the name is still validated and the planned URLs returned, but a taken name is expected',
            ),
      },
      output: {
        entityRef: z =>
          z.string().describe('The entity ref the new entity will have'),
        repoSlug: z =>
          z
            .string()
            .describe(
              'The owner/name slug the repository will have at the publisher, for skeletons to render',
            ),
        repoUrl: z =>
          z
            .string()
            .describe(
              'The web address the repository will have at the publisher',
            ),
        imageRepository: z =>
          z
            .string()
            .describe(
              "The container image repository the skeleton's CI pushes to and its Helm chart pulls from (GHCR, or the GitLab project's registry)",
            ),
        publishingTarget: z =>
          z
            .enum(['local', 'github', 'gitlab'])
            .describe(
              'Where portal:publish will put the repository (portal.publishing.target), for skeletons to keep the matching CI definition and source annotation',
            ),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      assertValidServiceName(name, 'name');
      const entityRef = stringifyEntityRef({
        kind: ctx.input.kind ?? 'Component',
        namespace: ctx.input.namespace ?? 'default',
        name,
      });

      if (ctx.input.existing) {
        // Re-rendering a component for its upgrade: the name is taken by that very component.
        // Only a dry run may skip the check, so no real run can publish over a taken name.
        if (!ctx.isDryRun) {
          throw new InputError(
            'Invalid existing: true is only allowed in dry runs (portal:template:upgrade re-renders with it)',
          );
        }
      } else {
        await assertNameFree(ctx, entityRef, name);
      }
      ctx.logger.info(`The name ${name} is available (${entityRef})`);
      ctx.output('entityRef', entityRef);
      ctx.output('repoSlug', publisher.plannedSlug(name));
      ctx.output('repoUrl', publisher.plannedUrls(name, 'main').remoteUrl);
      ctx.output('imageRepository', publisher.plannedImageRepository(name));
      ctx.output('publishingTarget', publisher.target);
    },
  });

  async function assertNameFree(
    ctx: {
      getInitiatorCredentials(): Promise<BackstageCredentials>;
      task: { id: string };
    },
    entityRef: string,
    name: string,
  ) {
    const existing = await catalog.getEntityByRef(entityRef, {
      credentials: await ctx.getInitiatorCredentials(),
    });
    // A retried task finds what it created itself on its first attempt; that is not a clash.
    const createdByThisTask =
      existing?.metadata.annotations?.[PROVENANCE_ANNOTATIONS.taskId] ===
      ctx.task.id;
    if (existing && !createdByThisTask) {
      const owner = (existing.spec as { owner?: unknown } | undefined)?.owner;
      throw new ConflictError(
        `The name ${name} is taken: ${entityRef} already exists in the catalog${
          typeof owner === 'string' ? ` (owned by ${owner})` : ''
        }. Choose another name; nothing was created.`,
      );
    }
    if (
      (await publisher.exists(name)) &&
      (await publisher.createdByTask(name)) !== ctx.task.id
    ) {
      throw new ConflictError(
        `The name ${name} is taken: a repository named ${name} already exists on ${
          publisher.displayName
        }${
          existing
            ? ''
            : ' without a catalog entity (perhaps left by a failed run; the platform team can remove it)'
        }. Choose another name; nothing was created.`,
      );
    }
  }
}
