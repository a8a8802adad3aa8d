import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { LocalGitRepositories } from '@internal/plugin-local-git-node';
import { readGoldenPathsPublishingConfig } from '../config';
import { GithubRepositoryPublisher } from './GithubRepositoryPublisher';
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
  return new LocalRepositoryPublisher(options.repositories);
}
