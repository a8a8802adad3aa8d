import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { LocalGitRepositories } from '@internal/plugin-local-git-node';
import { readGoldenPathsPublishingConfig } from '../config';
import { GithubRepositoryPublisher } from './GithubRepositoryPublisher';
import { GitlabRepositoryPublisher } from './GitlabRepositoryPublisher';
import { LocalRepositoryPublisher } from './LocalRepositoryPublisher';
import { RepositoryPublisher } from './types';

/** The publisher `portal.publishing.target` selects. */
export function createRepositoryPublisher(options: {
  config: Config;
  repositories: LocalGitRepositories;
}): RepositoryPublisher {
  const publishing = readGoldenPathsPublishingConfig(options.config);
  if (publishing.target === 'github' && publishing.github) {
    return new GithubRepositoryPublisher({
      config: options.config,
      integrations: ScmIntegrations.fromConfig(options.config),
      ...publishing.github,
    });
  }
  if (publishing.target === 'gitlab' && publishing.gitlab) {
    return new GitlabRepositoryPublisher({
      config: options.config,
      integrations: ScmIntegrations.fromConfig(options.config),
      ...publishing.gitlab,
    });
  }
  return new LocalRepositoryPublisher(options.repositories);
}
