/**
 * Node library of the portal's local Git host: bare repositories under a data folder, shared by
 * the local-git backend (HTTP host and URL reader) and the golden-paths scaffolder module.
 *
 * @packageDocumentation
 */
export {
  readLocalGitConfig,
  readPublishingTarget,
  DEFAULT_LOCAL_GIT_DATA_DIR,
} from './config';
export type { LocalGitConfig, PublishingTarget } from './config';
export { buildLocalGitUrls, parseLocalGitUrl } from './localGitUrls';
export type { LocalGitLocation, LocalGitRepositoryUrls } from './localGitUrls';
export {
  REPOSITORY_NAME_PATTERN,
  assertValidRef,
  assertValidRepositoryName,
  isValidRef,
  isValidRepositoryName,
  normalizeRepositoryPath,
} from './repositoryNames';
export { LocalGitRepositories } from './services/LocalGitRepositories';
export type {
  LocalGitBranchResult,
  LocalGitCommitSummary,
  LocalGitPathInfo,
  LocalGitPublishOptions,
  LocalGitPublishResult,
  LocalGitTreeEntry,
} from './services/LocalGitRepositories';
export { localGitRepositoriesServiceRef } from './localGitRepositoriesServiceRef';
