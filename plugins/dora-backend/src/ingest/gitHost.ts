import { DoraDeploymentStatus } from '@internal/plugin-dora-common';
import { z } from 'zod';
import { NormalizedChange, NormalizedDeployment } from '../domain/events';

/**
 * What GitHub and GitLab webhooks have in common: commits pushed to a tracked branch, merges that
 * name their merge commit, and deployments of a commit to an environment. Both normalizers build
 * their events here so the two sources store the same shape with the same external ids.
 */

/** A full commit SHA (SHA-1 or SHA-256), stored lower-case. */
export const fullCommitSha = z
  .string()
  .regex(/^[0-9a-f]{40,64}$/i, 'must be a full hex commit SHA')
  .transform(s => s.toLowerCase());

/** The source and repository a Git host's event belongs to. */
export interface RepositoryOrigin {
  source: 'github' | 'gitlab';
  serviceKeyType: 'github' | 'gitlab';
  /** `owner/name` on GitHub, `path_with_namespace` on GitLab. */
  repository: string;
}

const fromRepository = (origin: RepositoryOrigin) => ({
  source: origin.source,
  serviceKeyType: origin.serviceKeyType,
  serviceKey: origin.repository,
});

/**
 * The branches whose commits count as changes: the configured ones, else the repository's default
 * branch (`main` when the payload does not say).
 */
export function isTrackedBranch(
  branch: string,
  configured: string[] | undefined,
  defaultBranch: string | undefined,
): boolean {
  return (configured ?? [defaultBranch ?? 'main']).includes(branch);
}

/** The branch a `refs/heads/<branch>` ref names, or undefined for tags and other refs. */
export const branchOfRef = (ref: string): string | undefined =>
  ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;

/**
 * A change per pushed commit. The id is repository and SHA, so a redelivered push, the same commit
 * in a later push and the merge event of the same commit all update one change.
 *
 * `range` is the push's `before..after` when its commit list is complete (every commit reachable
 * from `after` and not from `before`, oldest first): each change then records where it entered the
 * branch, which gives deployments of `after` their commits by ancestry.
 */
export function pushedCommitChanges(
  origin: RepositoryOrigin,
  commits: Array<{ id: string; timestamp: string }>,
  range?: { before: string; after: string },
): NormalizedChange[] {
  return commits.map((c, index) => ({
    ...fromRepository(origin),
    type: 'change' as const,
    externalId: `${origin.repository}@${c.id}`,
    sha: c.id,
    committedAt: Date.parse(c.timestamp),
    ...(range
      ? { pushed: { before: range.before, head: range.after, index } }
      : {}),
  }));
}

/** The commits a deployment of `head` has that one of `base` has not, as a Git host answers. */
export interface CommitsBetween {
  /** Where the range starts: the merge base (GitHub) or `base` itself (GitLab, straight compare). */
  mergeBase: string;
  /** Oldest first, ending with head, each with its author time. */
  commits: Array<{ id: string; timestamp: string }>;
}

/** Where a Git host's API is and the portal's token for it (`fetch` for tests). */
export interface CompareApiOptions {
  token: string;
  baseUrl: string;
  fetch?: typeof fetch;
}

/**
 * A Git host's compare API, read with a token of the portal's. Answers nothing when the host does
 * not say all the commits between the two SHAs (head behind or equal to base, a truncated list).
 */
export interface CommitRangeReader {
  commitsBetween(
    repository: string,
    base: string,
    head: string,
  ): Promise<CommitsBetween | undefined>;
}

/** The merge commit of a pull request (GitHub) or merge request (GitLab), with its number. */
export function mergeCommitChange(
  origin: RepositoryOrigin,
  merge: { sha: string; mergedAt: string; number: number; url?: string },
): NormalizedChange {
  return {
    ...fromRepository(origin),
    type: 'change',
    externalId: `${origin.repository}@${merge.sha}`,
    sha: merge.sha,
    committedAt: Date.parse(merge.mergedAt),
    prNumber: merge.number,
    prUrl: merge.url,
  };
}

/** Statuses after which a deployment does not change any more; their report time is its finish. */
const FINAL_STATUSES: ReadonlySet<DoraDeploymentStatus> = new Set([
  'success',
  'failure',
  'cancelled',
]);

/**
 * A deployment of one commit to one environment (the environment is its deploy stream). Each
 * status report of the same deployment has the same id, so the store keeps one row whose status
 * only moves forward.
 */
export function repositoryDeployment(
  origin: RepositoryOrigin,
  deployment: Pick<
    NormalizedDeployment,
    'externalId' | 'environment' | 'production' | 'status' | 'kind'
  > & { commitSha: string; startedAt: string; reportedAt: string },
): NormalizedDeployment {
  return {
    ...fromRepository(origin),
    type: 'deployment',
    externalId: deployment.externalId,
    environment: deployment.environment,
    stream: deployment.environment,
    production: deployment.production,
    status: deployment.status,
    kind: deployment.kind,
    commitSha: deployment.commitSha,
    startedAt: Date.parse(deployment.startedAt),
    finishedAt: FINAL_STATUSES.has(deployment.status)
      ? Date.parse(deployment.reportedAt)
      : undefined,
  };
}
