import { Config } from '@backstage/config';
import {
  PublishingTarget,
  readPublishingTarget,
} from '@internal/plugin-local-git-node';

/**
 * Publishing settings of the golden paths.
 *
 * @public
 */
export interface GoldenPathsPublishingConfig {
  target: PublishingTarget;
  github?: {
    owner: string;
    host: string;
    repoVisibility: RepoVisibility;
  };
  gitlab?: {
    group: string;
    host: string;
    repoVisibility: RepoVisibility;
    /** Container registry of the host, when it is not the default (see `gitlabRegistryFor`). */
    registry?: string;
  };
}

/**
 * Who may see a repository the golden paths publish.
 *
 * @public
 */
export type RepoVisibility = 'private' | 'internal' | 'public';

function readRepoVisibility(config: Config, key: string): RepoVisibility {
  const repoVisibility =
    config.getOptionalString('repoVisibility') ?? 'private';
  if (!['private', 'internal', 'public'].includes(repoVisibility)) {
    throw new Error(
      `Invalid ${key}.repoVisibility ${JSON.stringify(
        repoVisibility,
      )}: use private, internal or public`,
    );
  }
  return repoVisibility as RepoVisibility;
}

/** A GitLab namespace path: `group` or `group/subgroup`, each segment as GitLab allows. */
const GITLAB_GROUP_PATH =
  /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

function readGitlabConfig(config: Config) {
  const gitlab = config.getOptionalConfig('portal.publishing.gitlab');
  const rawGroup = gitlab?.getOptional('group');
  const group = typeof rawGroup === 'string' ? rawGroup.trim() : undefined;
  if (!gitlab || !group) {
    throw new Error(
      'Missing portal.publishing.gitlab.group: it is required when portal.publishing.target is gitlab (the GitLab group, or group/subgroup, that owns new projects; PORTAL_GITLAB_GROUP in production)',
    );
  }
  if (!GITLAB_GROUP_PATH.test(group) || group.endsWith('.git')) {
    throw new Error(
      `Invalid portal.publishing.gitlab.group ${JSON.stringify(
        group,
      )}: use a GitLab group path such as platform or platform/services (letters, digits, _ . -, segments separated by /)`,
    );
  }
  const host = readHostName(gitlab, 'host', 'gitlab.com') ?? 'gitlab.com';
  const registry = readHostName(gitlab, 'registry', 'registry.gitlab.com');
  return {
    group,
    host,
    repoVisibility: readRepoVisibility(gitlab, 'portal.publishing.gitlab'),
    ...(registry ? { registry } : {}),
  };
}

/** An optional `host[:port]` under `portal.publishing.gitlab`, refused with the key when malformed. */
function readHostName(gitlab: Config, key: string, example: string) {
  const value = gitlab.getOptionalString(key)?.trim();
  if (value && !/^[A-Za-z0-9.-]+(:[0-9]+)?$/.test(value)) {
    throw new Error(
      `Invalid portal.publishing.gitlab.${key} ${JSON.stringify(
        value,
      )}: use a host name such as ${example}, without scheme or path`,
    );
  }
  return value || undefined;
}

/**
 * The container registry GitLab CI pushes a project's images to (`$CI_REGISTRY`): the configured
 * one, `registry.gitlab.com` on gitlab.com, and by the common convention `registry.<host>` on a
 * self-managed GitLab (set `portal.publishing.gitlab.registry` where it differs).
 */
export function gitlabRegistryFor(options: {
  host: string;
  registry?: string;
}): string {
  return options.registry ?? `registry.${options.host}`;
}

/**
 * Reads `portal.publishing`; `github.owner` is required when the target is github, `gitlab.group`
 * when it is gitlab.
 *
 * @public
 */
export function readGoldenPathsPublishingConfig(
  config: Config,
): GoldenPathsPublishingConfig {
  const target = readPublishingTarget(config);
  if (target === 'local') return { target };
  if (target === 'gitlab') return { target, gitlab: readGitlabConfig(config) };
  const github = config.getConfig('portal.publishing.github');
  return {
    target,
    github: {
      owner: github.getString('owner'),
      host: github.getOptionalString('host') ?? 'github.com',
      repoVisibility: readRepoVisibility(github, 'portal.publishing.github'),
    },
  };
}
