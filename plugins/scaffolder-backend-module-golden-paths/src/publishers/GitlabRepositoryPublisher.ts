import { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  getGitLabRequestOptions,
  GitLabIntegrationConfig,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { createPublishGitlabAction } from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  PublishedRepository,
  PublishRequest,
  RepositoryPublisher,
} from './types';
import { runDelegatedPublish } from './delegatePublish';
import { gitlabRegistryFor } from '../config';

/**
 * Publishes to a GitLab group by delegating to Backstage's own `publish:gitlab` action, so
 * project creation, visibility and credentials behave as documented upstream.
 */
export class GitlabRepositoryPublisher implements RepositoryPublisher {
  readonly displayName: string;
  readonly target = 'gitlab';
  private readonly integration: GitLabIntegrationConfig;
  private readonly publishAction: ReturnType<typeof createPublishGitlabAction>;

  constructor(
    private readonly options: {
      config: Config;
      integrations: ScmIntegrationRegistry;
      /** Group (or subgroup path such as `platform/services`) that owns the new projects. */
      group: string;
      host: string;
      repoVisibility: 'private' | 'internal' | 'public';
      /** Container registry, when not `registry.<host>`. */
      registry?: string;
      fetch?: typeof fetch;
    },
  ) {
    this.displayName = `GitLab group ${options.group} on ${options.host}`;
    const integration = options.integrations.gitlab.byHost(options.host);
    if (!integration) {
      throw new Error(
        `portal.publishing.gitlab.host is ${options.host}, but integrations.gitlab has no entry for that host: add one with its token`,
      );
    }
    this.integration = integration.config;
    this.publishAction = createPublishGitlabAction({
      integrations: options.integrations,
      config: options.config,
    });
  }

  plannedSlug(repoName: string): string {
    return `${this.options.group}/${repoName}`;
  }

  plannedImageRepository(repoName: string): string {
    // $CI_REGISTRY_IMAGE, where the skeleton's GitLab CI pushes: registry and project path, lowercase.
    return `${gitlabRegistryFor(this.options)}/${this.plannedSlug(
      repoName,
    )}`.toLowerCase();
  }

  private repoWebUrl(repoName: string) {
    return `${this.integration.baseUrl.replace(/\/+$/, '')}/${
      this.options.group
    }/${repoName}`;
  }

  async exists(repoName: string): Promise<boolean> {
    const slug = this.plannedSlug(repoName);
    if (!this.integration.token) {
      throw new ServiceUnavailableError(
        `Could not check whether ${slug} exists on GitLab: integrations.gitlab has no token for ${this.options.host}`,
      );
    }
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(
        `${this.integration.apiBaseUrl}/projects/${encodeURIComponent(slug)}`,
        getGitLabRequestOptions(this.integration),
      );
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not check whether ${slug} exists on GitLab: ${this.options.host} is unreachable`,
        error,
      );
    }
    if (response.status === 404) return false;
    if (response.ok) return true;
    if (response.status === 401 || response.status === 403) {
      throw new ServiceUnavailableError(
        `Could not check whether ${slug} exists on GitLab: ${this.options.host} refused the token of integrations.gitlab (HTTP ${response.status}); the token needs the api scope`,
      );
    }
    throw new ServiceUnavailableError(
      `Could not check whether ${slug} exists on GitLab: HTTP ${response.status}`,
    );
  }

  async createdByTask(): Promise<string | undefined> {
    // GitLab projects carry no record of the task that created them.
    return undefined;
  }

  plannedUrls(repoName: string, defaultBranch: string): PublishedRepository {
    const web = this.repoWebUrl(repoName);
    return {
      remoteUrl: web,
      repoContentsUrl: `${web}/-/blob/${defaultBranch}`,
      cloneUrl: `${web}.git`,
    };
  }

  async publish(
    ctx: ActionContext<JsonObject, JsonObject>,
    request: PublishRequest,
  ): Promise<PublishedRepository> {
    const outputs = await runDelegatedPublish(this.publishAction, ctx, {
      repoUrl: `${this.options.host}?owner=${encodeURIComponent(
        this.options.group,
      )}&repo=${encodeURIComponent(request.repoName)}`,
      // publish:gitlab defaults to master; the portal's templates use the requested branch.
      defaultBranch: request.defaultBranch,
      sourcePath: request.sourcePath === '.' ? undefined : request.sourcePath,
      repoVisibility: this.options.repoVisibility,
      settings: {
        visibility: this.options.repoVisibility,
        ...(request.description ? { description: request.description } : {}),
      },
    });
    const planned = this.plannedUrls(request.repoName, request.defaultBranch);
    const remoteUrl = outputs.remoteUrl ?? planned.remoteUrl;
    return {
      remoteUrl,
      repoContentsUrl: outputs.repoContentsUrl ?? planned.repoContentsUrl,
      cloneUrl: `${remoteUrl}.git`,
    };
  }
}
