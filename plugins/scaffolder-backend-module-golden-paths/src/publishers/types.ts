import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { PublishingTarget } from '@internal/plugin-local-git-node';

/**
 * What `portal:publish` returns, whichever the publisher.
 *
 * @public
 */
export interface PublishedRepository {
  /** Page of the repository for people. */
  remoteUrl: string;
  /** For `catalog:register` with `catalogInfoPath: '/catalog-info.yaml'`. */
  repoContentsUrl: string;
  /** For `git clone`. */
  cloneUrl: string;
}

/**
 * A publish request, already validated.
 *
 * @public
 */
export interface PublishRequest {
  repoName: string;
  description?: string;
  defaultBranch: string;
  /** Folder in the workspace to publish, relative to the workspace ('.' for all of it). */
  sourcePath: string;
}

/**
 * Where new repositories go: the local Git host, GitHub or GitLab, chosen by config.
 *
 * @public
 */
export interface RepositoryPublisher {
  /** Name for messages, e.g. "the local Git host" or "GitHub organisation fernhill". */
  readonly displayName: string;
  /**
   * Where repositories go (`portal.publishing.target`); skeletons choose their CI definition and
   * source annotation by it.
   */
  readonly target: PublishingTarget;
  /** Whether a repository of this name already exists at the publisher. */
  exists(repoName: string): Promise<boolean>;
  /** The scaffolder task that created the repository, when the publisher records it. */
  createdByTask(repoName: string): Promise<string | undefined>;
  /**
   * The `owner/name` (or `group/subgroup/name`) slug the repository will have, which skeletons
   * render into their `github.com/project-slug` or `gitlab.com/project-slug` annotation and
   * chart image before publishing.
   */
  plannedSlug(repoName: string): string;
  /**
   * The container image repository the skeleton's CI pushes to and its Helm chart pulls from:
   * the registry of the publishing host (GHCR for GitHub, the GitLab container registry for
   * GitLab), lowercase as registries require.
   */
  plannedImageRepository(repoName: string): string;
  /** The URLs a publish would produce, for dry runs. */
  plannedUrls(repoName: string, defaultBranch: string): PublishedRepository;
  /** Creates the repository from the workspace; idempotent for a recovered task. */
  publish(
    ctx: ActionContext<JsonObject, JsonObject>,
    request: PublishRequest,
  ): Promise<PublishedRepository>;
}
