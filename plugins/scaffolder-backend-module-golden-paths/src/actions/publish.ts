import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  assertValidRef,
  assertValidRepositoryName,
} from '@internal/plugin-local-git-node';
import { promises as fs } from 'node:fs';
import { InputError } from '@backstage/errors';
import { RepositoryPublisher } from '../publishers/types';
import { resolveWorkspacePath } from '../workspacePath';
import { examples } from './publish.examples';

/**
 * `portal:publish`: publishes the workspace as a new repository at the configured publisher
 * (`portal.publishing.target`: the local Git host, GitHub or GitLab); templates never change between them.
 *
 * @public
 */
export function createPortalPublishAction(options: {
  publisher: RepositoryPublisher;
}) {
  const { publisher } = options;
  return createTemplateAction({
    id: 'portal:publish',
    description:
      "Publishes the workspace as a new Git repository at the portal's configured publisher (local Git host, or GitHub or GitLab in production) and returns the URLs catalog:register needs.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .describe(
              'Repository name: 3 to 30 characters, lowercase letters, digits and dashes, starting with a letter',
            ),
        description: z =>
          z
            .string()
            .max(350)
            .optional()
            .describe('One-line description of the repository'),
        defaultBranch: z =>
          z
            .string()
            .optional()
            .describe('Branch of the initial commit (default main)'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Folder of the workspace to publish (default: the whole workspace)',
            ),
      },
      output: {
        remoteUrl: z => z.string().describe('Page of the new repository'),
        repoContentsUrl: z =>
          z
            .string()
            .describe(
              "Contents URL for catalog:register (with catalogInfoPath '/catalog-info.yaml')",
            ),
        cloneUrl: z => z.string().describe('URL for git clone'),
      },
    },
    async handler(ctx) {
      const { repoName, description } = ctx.input;
      const defaultBranch = ctx.input.defaultBranch ?? 'main';
      const sourcePath = ctx.input.sourcePath ?? '.';
      assertValidRepositoryName(repoName, 'repoName');
      assertValidRef(defaultBranch, 'defaultBranch');
      // Throws for paths leaving the workspace, before anything is created.
      const sourceDir = resolveWorkspacePath(
        ctx.workspacePath,
        sourcePath,
        'sourcePath',
      );
      const stat = await fs.stat(sourceDir).catch(() => undefined);
      if (!stat?.isDirectory()) {
        throw new InputError(
          `Invalid sourcePath ${JSON.stringify(
            sourcePath,
          )}: not a folder in the workspace`,
        );
      }

      let result;
      if (ctx.isDryRun) {
        result = publisher.plannedUrls(repoName, defaultBranch);
        ctx.logger.info(
          `Dry run: would publish ${sourcePath} as ${repoName} to ${publisher.displayName}`,
        );
      } else {
        result = await ctx.checkpoint({
          key: `portal.publish.${repoName}`,
          fn: async () => {
            const published = await publisher.publish(
              ctx as unknown as Parameters<RepositoryPublisher['publish']>[0],
              { repoName, description, defaultBranch, sourcePath },
            );
            return { ...published } as JsonObject & typeof published;
          },
        });
        ctx.logger.info(
          `Published ${repoName} to ${publisher.displayName}: ${result.remoteUrl}`,
        );
      }
      ctx.output('remoteUrl', result.remoteUrl);
      ctx.output('repoContentsUrl', result.repoContentsUrl);
      ctx.output('cloneUrl', result.cloneUrl);
    },
  });
}
