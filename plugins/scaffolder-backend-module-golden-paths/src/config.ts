import { Config } from '@backstage/config';
import {
  PublishingTarget,
  readPublishingTarget,
} from '@internal/plugin-local-git-node';

/** Publishing settings of the golden paths. */
export interface GoldenPathsPublishingConfig {
  target: PublishingTarget;
  github?: {
    owner: string;
    host: string;
    repoVisibility: 'private' | 'internal' | 'public';
  };
}

/** Reads `portal.publishing`; `github.owner` is required when the target is github. */
export function readGoldenPathsPublishingConfig(
  config: Config,
): GoldenPathsPublishingConfig {
  const target = readPublishingTarget(config);
  if (target === 'local') return { target };
  const github = config.getConfig('portal.publishing.github');
  const repoVisibility =
    github.getOptionalString('repoVisibility') ?? 'private';
  if (!['private', 'internal', 'public'].includes(repoVisibility)) {
    throw new Error(
      `Invalid portal.publishing.github.repoVisibility ${JSON.stringify(
        repoVisibility,
      )}: use private, internal or public`,
    );
  }
  return {
    target,
    github: {
      owner: github.getString('owner'),
      host: github.getOptionalString('host') ?? 'github.com',
      repoVisibility: repoVisibility as 'private' | 'internal' | 'public',
    },
  };
}
