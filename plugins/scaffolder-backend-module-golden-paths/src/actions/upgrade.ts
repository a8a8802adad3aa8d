import {
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseEntityRef,
  parseLocationRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  LocalGitRepositories,
  parseLocalGitUrl,
} from '@internal/plugin-local-git-node';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { goldenPathUpgradePermission } from '../permissions';
import { PROVENANCE_ANNOTATIONS } from '../provenance';
import { RepositoryPublisher } from '../publishers/types';
import { TemplateRenderer } from '../upgrade/ScaffolderDryRunRenderer';
import {
  compareTemplateVersions,
  droppedFiles,
  proposedFiles,
  readUpgradeSource,
  templateWrittenFiles,
  upgradeBranchName,
} from '../upgrade/upgradePlan';
import { examples } from './upgrade.examples';

/** The repository on the local Git host a component was registered from. */
function localRepositoryOf(
  entity: Entity,
  repositories: LocalGitRepositories,
): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  for (const location of [
    annotations[ANNOTATION_SOURCE_LOCATION],
    annotations[ANNOTATION_LOCATION],
  ]) {
    if (!location) continue;
    const { type, target } = parseLocationRef(location);
    if (type !== 'url') continue;
    const parsed = parseLocalGitUrl(repositories.baseUrl, target);
    if (parsed) return parsed.repo;
  }
  return undefined;
}

/** The proposal's commit message; its subject is how later upgrades recognise it. */
function upgradeCommitMessage(options: {
  templateRef: string;
  fromVersion: string;
  toVersion: string;
  removed: string[];
  kept: string[];
}): string {
  const { templateRef, fromVersion, toVersion, removed, kept } = options;
  const list = (paths: string[]) => paths.map(p => `- ${p}`).join('\n');
  return [
    `Upgrade to ${templateRef} ${toVersion}`,
    `Re-rendered with the inputs recorded at ${fromVersion}.`,
    ...(removed.length > 0
      ? [
          `Removed, as ${toVersion} no longer renders them and they were unchanged since the golden path wrote them:\n${list(
            removed,
          )}`,
        ]
      : []),
    ...(kept.length > 0
      ? [
          `Kept, although ${toVersion} no longer renders them, because they were changed since the golden path wrote them (delete them if they are no longer needed):\n${list(
            kept,
          )}`,
        ]
      : []),
  ].join('\n\n');
}

/**
 * `portal:template:upgrade`: re-renders a component's golden path at the template's current
 * version with the inputs recorded at creation and proposes the difference as a branch of the
 * component's repository.
 *
 * @public
 */
export function createTemplateUpgradeAction(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
  renderer: TemplateRenderer;
  publisher: Pick<RepositoryPublisher, 'target' | 'displayName'>;
  repositories: LocalGitRepositories;
}) {
  const { catalog, permissions, renderer, publisher, repositories } = options;
  return createTemplateAction({
    id: 'portal:template:upgrade',
    description:
      "Re-renders a component's golden path at the template's current version with the inputs recorded when the component was created (fernhill.io/template-inputs), keeps what the service owns (catalog-info.yaml apart from the version, go.sum and lockfiles, the image tags CI wrote per environment), removes the files the golden path wrote that the new version no longer renders unless someone changed them since (those are kept and listed) and proposes the difference as branch golden-path-<version> of the component's repository. Only the component's owners (and the platform team) may upgrade it. Dry runs render and list the changed, removed and kept files without committing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The component to upgrade, e.g. component:default/orders-api; it must carry the provenance a golden path records',
            ),
      },
      output: {
        upToDate: z =>
          z
            .boolean()
            .describe(
              'True when the component already has the template version (nothing proposed)',
            ),
        fromVersion: z =>
          z.string().describe('The template version the component recorded'),
        toVersion: z => z.string().describe("The template's current version"),
        branch: z =>
          z
            .string()
            .optional()
            .describe('The branch holding the proposal, golden-path-<version>'),
        branchUrl: z =>
          z
            .string()
            .optional()
            .describe("The proposal's files on the Git host"),
        cloneUrl: z =>
          z.string().optional().describe('For git clone and git diff'),
        changedFiles: z =>
          z
            .array(z.string())
            .describe('The files the proposal adds or changes'),
        removedFiles: z =>
          z
            .array(z.string())
            .describe(
              'The files the proposal removes: the golden path wrote them, its new version no longer renders them and nobody changed them since',
            ),
        keptFiles: z =>
          z
            .array(z.string())
            .describe(
              'Files the new version no longer renders that were changed since the golden path wrote them: kept for the owners to delete or keep',
            ),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      const entityRef = ctx.input.entityRef;
      // Parsed here: the catalog client's own parse fails with a plain Error, not an InputError.
      try {
        parseEntityRef(entityRef);
      } catch {
        throw new InputError(
          `Invalid entityRef ${JSON.stringify(
            entityRef.slice(0, 200),
          )}: use kind:namespace/name, e.g. component:default/orders-api`,
        );
      }
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) {
        throw new InputError(
          `Invalid entityRef ${JSON.stringify(
            entityRef,
          )}: no such entity in the catalog`,
        );
      }
      const source = readUpgradeSource(entity);
      const [decision] = await permissions.authorize(
        [
          {
            permission: goldenPathUpgradePermission,
            resourceRef: source.entityRef,
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Only the owners of ${source.entityRef} (and the platform team) may upgrade it`,
        );
      }
      const template = await catalog.getEntityByRef(source.templateRef, {
        credentials,
      });
      if (!template) {
        throw new NotFoundError(
          `The golden path ${source.templateRef} that ${source.entityRef} was created from is no longer in the catalog`,
        );
      }
      const toVersion =
        template.metadata.annotations?.[PROVENANCE_ANNOTATIONS.templateVersion];
      if (!toVersion) {
        throw new InputError(
          `${source.templateRef} declares no ${PROVENANCE_ANNOTATIONS.templateVersion}, so there is no version to upgrade to`,
        );
      }
      ctx.output('fromVersion', source.recordedVersion);
      ctx.output('toVersion', toVersion);
      if (compareTemplateVersions(source.recordedVersion, toVersion) >= 0) {
        ctx.logger.info(
          `${source.entityRef} already has ${source.templateRef} version ${toVersion}`,
        );
        ctx.output('upToDate', true);
        ctx.output('changedFiles', []);
        ctx.output('removedFiles', []);
        ctx.output('keptFiles', []);
        return;
      }
      if (publisher.target !== 'local') {
        // Proposing on GitHub or GitLab means publish:github:pull-request or
        // publish:gitlab:merge-request; not built yet.
        throw new NotImplementedError(
          `Upgrades are proposed on the local Git host only; ${publisher.displayName} is not supported yet`,
        );
      }
      const repoName = localRepositoryOf(entity, repositories);
      if (!repoName || !(await repositories.exists(repoName))) {
        throw new InputError(
          `${source.entityRef} was not registered from a repository of the local Git host, so there is nowhere to propose the upgrade`,
        );
      }

      ctx.logger.info(
        `Re-rendering ${source.templateRef} ${toVersion} for ${source.entityRef} (created at ${source.recordedVersion})`,
      );
      const templateDir = resolveSafeChildPath(
        ctx.workspacePath,
        'upgrade-template',
      );
      await fs.rm(templateDir, { recursive: true, force: true });
      await fs.mkdir(templateDir, { recursive: true });
      const rendered = await renderer.render({
        template,
        values: source.inputs,
        workDir: templateDir,
      });
      const defaultBranch = await repositories.defaultBranch(repoName);
      // Pinned, so every read below sees the same state of the default branch.
      const baseCommit = await repositories.resolveCommit(
        repoName,
        defaultBranch,
      );
      const readAt = (commit: string, path: string) =>
        repositories
          .readFile(repoName, commit, path)
          .then(f => f.content)
          .catch(error => {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          });
      const readExisting = (path: string) => readAt(baseCommit, path);
      const files = await proposedFiles({ rendered, toVersion, readExisting });
      const dropped = await droppedFiles({
        rendered,
        written: await templateWrittenFiles({
          templateRef: source.templateRef,
          history: await repositories.log(repoName, baseCommit),
          listFiles: commit => repositories.listFiles(repoName, commit, ''),
          changedPaths: (from, to) =>
            repositories.changedPaths(repoName, from, to),
        }),
        readExisting,
        readWritten: readAt,
      });
      const changedFiles = files.map(f => f.path);
      const branch = upgradeBranchName(toVersion);
      ctx.output('changedFiles', changedFiles);
      ctx.output('removedFiles', dropped.removed);
      ctx.output('keptFiles', dropped.kept);
      ctx.output('upToDate', false);
      ctx.logger.info(
        `The upgrade changes ${
          changedFiles.length
        } file(s): ${changedFiles.join(', ')}`,
      );
      if (dropped.removed.length > 0) {
        ctx.logger.info(
          `It removes ${
            dropped.removed.length
          } file(s) ${toVersion} no longer renders: ${dropped.removed.join(
            ', ',
          )}`,
        );
      }
      if (dropped.kept.length > 0) {
        ctx.logger.warn(
          `${toVersion} no longer renders these files, but they were changed since the golden path wrote them, so the upgrade keeps them (delete them in the branch if they are no longer needed): ${dropped.kept.join(
            ', ',
          )}`,
        );
      }
      if (
        ctx.isDryRun ||
        (changedFiles.length === 0 && dropped.removed.length === 0)
      ) {
        ctx.output('branch', branch);
        return;
      }

      const proposalDir = resolveSafeChildPath(
        ctx.workspacePath,
        'upgrade-proposal',
      );
      await fs.rm(proposalDir, { recursive: true, force: true });
      await fs.mkdir(proposalDir, { recursive: true });
      for (const file of files) {
        const target = resolveSafeChildPath(proposalDir, file.path);
        await fs.mkdir(dirname(target), { recursive: true });
        await fs.writeFile(target, file.content, {
          mode: file.executable ? 0o755 : 0o644,
        });
      }
      const profile = ctx.user?.entity?.spec?.profile;
      const result = await ctx.checkpoint({
        key: `portal.template.upgrade.${repoName}.${branch}`,
        fn: async () => {
          const committed = await repositories.commitToBranch({
            name: repoName,
            branch,
            baseBranch: defaultBranch,
            sourceDir: proposalDir,
            removePaths: dropped.removed,
            message: upgradeCommitMessage({
              templateRef: source.templateRef,
              fromVersion: source.recordedVersion,
              toVersion,
              ...dropped,
            }),
            author:
              profile?.displayName && profile?.email
                ? { name: profile.displayName, email: profile.email }
                : undefined,
          });
          return {
            branchUrl: committed.remoteUrl,
            cloneUrl: committed.cloneUrl,
          };
        },
      });
      ctx.output('branch', branch);
      ctx.output('branchUrl', result.branchUrl);
      ctx.output('cloneUrl', result.cloneUrl);
    },
  });
}
