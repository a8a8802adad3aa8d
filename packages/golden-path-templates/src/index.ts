/**
 * The golden-path template test command's library: reading template folders, validating them
 * and preparing their contents for the scaffolder's dry-run API.
 *
 * @packageDocumentation
 */
export {
  actionsOf,
  directoryContents,
  listFiles,
  listTemplateDirs,
  loadTemplate,
  templateProblems,
  writeDirectoryContents,
  TEMPLATE_OWNER,
  TEMPLATE_VERSION_ANNOTATION,
} from './templates';
export type { GoldenPathTemplate } from './templates';
export {
  gitlabCiProblems,
  parseGitlabCi,
  GOLDEN_PATH_GITLAB_JOBS,
} from './gitlabCi';
export type { GitlabJob, GitlabPipeline } from './gitlabCi';
