import { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { createPublishGithubAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  PublishedRepository,
  PublishRequest,
  RepositoryPublisher,
} from './types';
import { runDelegatedPublish } from './delegatePublish';

/**
 * Publishes to a GitHub organisation by delegating to Backstage's own `publish:github` action,
 * so branch protection, visibility and credentials behave as documented upstream.
 */
export class GithubRepositoryPublisher implements RepositoryPublisher {
  readonly displayName: string;
  readonly target = 'github';
  private readonly credentialsProvider: GithubCredentialsProvider;
  private readonly publishAction: ReturnType<typeof createPublishGithubAction>;

  constructor(
    private readonly options: {
      config: Config;
      integrations: ScmIntegrationRegistry;
      owner: string;
      host: string;
      repoVisibility: 'private' | 'internal' | 'public';
      credentialsProvider?: GithubCredentialsProvider;
      fetch?: typeof fetch;
    },
  ) {
    this.displayName = `GitHub organisation ${options.owner}`;
    this.credentialsProvider =
      options.credentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(options.integrations);
    this.publishAction = createPublishGithubAction({
      integrations: options.integrations,
      config: options.config,
      githubCredentialsProvider: this.credentialsProvider,
    });
  }

  plannedSlug(repoName: string): string {
    return `${this.options.owner}/${repoName}`;
  }

  plannedImageRepository(repoName: string): string {
    // The skeleton's GitHub Actions push to GHCR, which accepts lowercase names only.
    return `ghcr.io/${this.plannedSlug(repoName)}`.toLowerCase();
  }

  private repoWebUrl(repoName: string) {
    return `https://${this.options.host}/${this.options.owner}/${repoName}`;
  }

  async exists(repoName: string): Promise<boolean> {
    const integration = this.options.integrations.github.byHost(
      this.options.host,
    );
    if (!integration) {
      throw new ServiceUnavailableError(
        `No GitHub integration configured for ${this.options.host}`,
      );
    }
    const { token } = await this.credentialsProvider.getCredentials({
      url: this.repoWebUrl(repoName),
    });
    const apiBaseUrl =
      integration.config.apiBaseUrl ?? 'https://api.github.com';
    const response = await (this.options.fetch ?? fetch)(
      `${apiBaseUrl}/repos/${encodeURIComponent(
        this.options.owner,
      )}/${encodeURIComponent(repoName)}`,
      {
        headers: {
          Accept: 'application/vnd.github+json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
      },
    );
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw new ServiceUnavailableError(
      `Could not check whether ${this.options.owner}/${repoName} exists on GitHub: HTTP ${response.status}`,
    );
  }

  async createdByTask(): Promise<string | undefined> {
    // GitHub repositories carry no record of the task that created them.
    return undefined;
  }

  plannedUrls(repoName: string, defaultBranch: string): PublishedRepository {
    const web = this.repoWebUrl(repoName);
    return {
      remoteUrl: web,
      repoContentsUrl: `${web}/blob/${defaultBranch}`,
      cloneUrl: `${web}.git`,
    };
  }

  async publish(
    ctx: ActionContext<JsonObject, JsonObject>,
    request: PublishRequest,
  ): Promise<PublishedRepository> {
    const outputs = await runDelegatedPublish(this.publishAction, ctx, {
      repoUrl: `${this.options.host}?owner=${encodeURIComponent(
        this.options.owner,
      )}&repo=${encodeURIComponent(request.repoName)}`,
      description: request.description,
      defaultBranch: request.defaultBranch,
      sourcePath: request.sourcePath === '.' ? undefined : request.sourcePath,
      repoVisibility: this.options.repoVisibility,
    });
    const planned = this.plannedUrls(request.repoName, request.defaultBranch);
    return {
      remoteUrl: outputs.remoteUrl ?? planned.remoteUrl,
      repoContentsUrl: outputs.repoContentsUrl ?? planned.repoContentsUrl,
      cloneUrl: planned.cloneUrl,
    };
  }
}
