import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { LocalGitRepositories } from '@internal/plugin-local-git-node';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  PublishedRepository,
  PublishRequest,
  RepositoryPublisher,
} from './types';

/** Publishes to the portal's own Git host (bare repositories under the data folder). */
export class LocalRepositoryPublisher implements RepositoryPublisher {
  readonly displayName = 'the local Git host';
  readonly target = 'local';

  constructor(private readonly repositories: LocalGitRepositories) {}

  exists(repoName: string): Promise<boolean> {
    return this.repositories.exists(repoName);
  }

  createdByTask(repoName: string): Promise<string | undefined> {
    return this.repositories.createdByTask(repoName);
  }

  plannedSlug(repoName: string): string {
    // The local host has no organisations; `local/` keeps the slug well-formed and unmistakable.
    return `local/${repoName}`;
  }

  plannedImageRepository(repoName: string): string {
    // The local host has no registry; its skeletons keep GitHub Actions, which push to GHCR.
    return `ghcr.io/${this.plannedSlug(repoName)}`;
  }

  plannedUrls(repoName: string, defaultBranch: string): PublishedRepository {
    return this.repositories.urls(repoName, defaultBranch);
  }

  async publish(
    ctx: ActionContext<JsonObject, JsonObject>,
    request: PublishRequest,
  ): Promise<PublishedRepository> {
    const sourceDir = resolveSafeChildPath(
      ctx.workspacePath,
      request.sourcePath,
    );
    const { repoName, defaultBranch } = request;
    // A recovered task finds the repository it created before the restart and reuses it.
    if (
      (await this.repositories.exists(repoName)) &&
      (await this.repositories.createdByTask(repoName)) === ctx.task.id
    ) {
      ctx.logger.info(
        `Repository ${repoName} was already published by this task`,
      );
      return this.repositories.urls(repoName, defaultBranch);
    }
    const profile = ctx.user?.entity?.spec?.profile;
    const author =
      profile?.displayName && profile?.email
        ? { name: profile.displayName, email: profile.email }
        : undefined;
    const result = await this.repositories.publish({
      name: repoName,
      sourceDir,
      defaultBranch,
      description: request.description,
      author,
      taskId: ctx.task.id,
      message: `Initial commit from ${
        ctx.templateInfo?.entityRef ?? 'a golden path'
      }`,
    });
    return {
      remoteUrl: result.remoteUrl,
      repoContentsUrl: result.repoContentsUrl,
      cloneUrl: result.cloneUrl,
    };
  }
}
