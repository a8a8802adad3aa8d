import { Config } from '@backstage/config';
import { resolve as resolvePath } from 'node:path';

/** Settings of the local Git host, read from `portal.publishing.local`. @public */
export interface LocalGitConfig {
  /** Absolute folder holding `<name>.git` bare repositories. */
  dataDir: string;
  /** Public base URL of the host, without a trailing slash, e.g. http://localhost:7007/api/local-git. */
  baseUrl: string;
  /** Author and committer of initial commits. */
  author: { name: string; email: string };
}

/**
 * The default data folder, relative to the backend's working directory (packages/backend).
 *
 * @public
 */
export const DEFAULT_LOCAL_GIT_DATA_DIR = '../../.data/git';

/**
 * Reads `portal.publishing.local`.
 *
 * @public
 */
export function readLocalGitConfig(
  config: Config,
  options: { cwd?: string } = {},
): LocalGitConfig {
  const local = config.getOptionalConfig('portal.publishing.local');
  const dataDir = resolvePath(
    options.cwd ?? process.cwd(),
    local?.getOptionalString('dataDir') ?? DEFAULT_LOCAL_GIT_DATA_DIR,
  );
  const baseUrl = (
    local?.getOptionalString('baseUrl') ??
    `${config.getString('backend.baseUrl')}/api/local-git`
  ).replace(/\/+$/, '');
  return {
    dataDir,
    baseUrl,
    author: {
      name: local?.getOptionalString('author.name') ?? 'Fernhill Portal',
      email:
        local?.getOptionalString('author.email') ?? 'portal@fernhill.local',
    },
  };
}

/** Where golden paths publish new repositories. @public */
export type PublishingTarget = 'local' | 'github' | 'gitlab';

/**
 * Reads `portal.publishing.target` (default local).
 *
 * @public
 */
export function readPublishingTarget(config: Config): PublishingTarget {
  const target =
    config.getOptionalString('portal.publishing.target') ?? 'local';
  if (target !== 'local' && target !== 'github' && target !== 'gitlab') {
    throw new Error(
      `Invalid portal.publishing.target ${JSON.stringify(
        target,
      )}: use local, github or gitlab`,
    );
  }
  return target;
}
