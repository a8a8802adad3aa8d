import { DoraDeploymentStatus } from '@internal/plugin-dora-common';
import { z } from 'zod';
import { WebhookResult } from '../domain/events';
import { isProduction, NormalizeOptions } from './generic';
import { parseWith } from '@internal/plugin-portal-node';
import {
  branchOfRef,
  fullCommitSha as sha,
  isTrackedBranch,
  mergeCommitChange,
  pushedCommitChanges,
  RepositoryOrigin,
  repositoryDeployment,
} from './gitHost';

/** The GitHub events this plugin records; everything else is acknowledged and ignored. */
export const GITHUB_EVENTS = [
  'deployment_status',
  'push',
  'pull_request',
] as const;

const iso = z.iso.datetime({ offset: true });
const repository = z.object({
  full_name: z.string().min(1).max(256),
  default_branch: z.string().max(256).optional(),
});

const deploymentStatusPayload = z.object({
  deployment_status: z.object({
    state: z.string().max(32),
    environment: z.string().min(1).max(256).optional(),
    created_at: iso,
  }),
  deployment: z.object({
    id: z.number().int().nonnegative(),
    sha,
    environment: z.string().min(1).max(256),
    created_at: iso,
    payload: z.unknown().optional(),
  }),
  repository,
});

const pushPayload = z.object({
  ref: z.string().max(512),
  before: sha.optional(),
  after: sha.optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  commits: z
    .array(
      z.object({ id: sha, timestamp: iso, distinct: z.boolean().optional() }),
    )
    .max(5000),
  repository,
});

const pullRequestPayload = z.object({
  action: z.string().max(64),
  pull_request: z.object({
    number: z.number().int().positive(),
    html_url: z.string().max(2048).optional(),
    merged: z.boolean().nullable().optional(),
    merged_at: iso.nullable().optional(),
    merge_commit_sha: sha.nullable().optional(),
    base: z.object({ ref: z.string().max(256) }).optional(),
  }),
  repository,
});

const STATES: Record<string, DoraDeploymentStatus | undefined> = {
  queued: 'queued',
  pending: 'queued',
  in_progress: 'in_progress',
  success: 'success',
  failure: 'failure',
  error: 'failure',
};

const originOf = (repo: { full_name: string }): RepositoryOrigin => ({
  source: 'github',
  serviceKeyType: 'github',
  repository: repo.full_name,
});

/** A deployment's own payload may say it is a hotfix or rollback: `{ "kind": "hotfix" }`. */
function kindOf(payload: unknown): 'regular' | 'hotfix' | 'rollback' {
  const kind =
    typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>).kind
      : undefined;
  return kind === 'hotfix' || kind === 'rollback' ? kind : 'regular';
}

/**
 * GitHub lists at most this many commits in a push delivery; a push listing as many may be cut
 * short, so its list is not taken as complete.
 */
const PUSH_COMMITS_LISTED = 2048;

/**
 * The push's `before..after` when its commit list says exactly which commits entered the branch:
 * GitHub lists "all commits that are included in the compare between the before commit and the
 * after commit", oldest first. Not for forced pushes (`after` need not descend from `before`, so the
 * commits before the list are not `before`'s) nor for lists that may be cut short.
 */
function pushRange(p: z.infer<typeof pushPayload>) {
  if (
    !p.before ||
    !p.after ||
    p.forced ||
    p.commits.length === 0 ||
    p.commits.length >= PUSH_COMMITS_LISTED ||
    p.commits[p.commits.length - 1].id !== p.after
  ) {
    return undefined;
  }
  return { before: p.before, after: p.after };
}

/**
 * Converts a verified GitHub webhook delivery. Deployment statuses become deployments (GitHub
 * `error` counts as failure; `inactive` only retires old deployments and is ignored); pushes to the
 * default branch (or the configured branches) become one change per commit; merged pull requests
 * add their number to the merge commit's change.
 */
export function normalizeGithubWebhook(
  event: string,
  body: unknown,
  options: NormalizeOptions & { branches?: string[] },
): WebhookResult {
  if (event === 'deployment_status') {
    const p = parseWith(
      deploymentStatusPayload,
      body,
      'deployment_status payload',
    );
    const origin = originOf(p.repository);
    const status = STATES[p.deployment_status.state];
    if (!status) {
      return {
        ignored: `deployment state '${p.deployment_status.state}' is not recorded`,
      };
    }
    const environment =
      p.deployment_status.environment ?? p.deployment.environment;
    return {
      events: [
        repositoryDeployment(origin, {
          externalId: String(p.deployment.id),
          environment,
          production: isProduction(environment, options),
          status,
          kind: kindOf(p.deployment.payload),
          commitSha: p.deployment.sha,
          startedAt: p.deployment.created_at,
          reportedAt: p.deployment_status.created_at,
        }),
      ],
    };
  }
  if (event === 'push') {
    const p = parseWith(pushPayload, body, 'push payload');
    const origin = originOf(p.repository);
    const branch = branchOfRef(p.ref);
    if (
      p.deleted ||
      branch === undefined ||
      !isTrackedBranch(branch, options.branches, p.repository.default_branch)
    ) {
      return { ignored: `ref ${p.ref} is not a tracked branch` };
    }
    return {
      events: pushedCommitChanges(origin, p.commits, pushRange(p)),
    };
  }
  if (event === 'pull_request') {
    const p = parseWith(pullRequestPayload, body, 'pull_request payload');
    const origin = originOf(p.repository);
    const pr = p.pull_request;
    if (
      p.action !== 'closed' ||
      !pr.merged ||
      !pr.merge_commit_sha ||
      !pr.merged_at
    ) {
      return {
        ignored: `pull request ${p.action} without merge is not recorded`,
      };
    }
    // A merge into a feature branch is not a change yet: it counts when that branch is merged.
    if (
      pr.base &&
      !isTrackedBranch(
        pr.base.ref,
        options.branches,
        p.repository.default_branch,
      )
    ) {
      return {
        ignored: `pull request merged into ${pr.base.ref}, not a tracked branch`,
      };
    }
    return {
      events: [
        mergeCommitChange(origin, {
          sha: pr.merge_commit_sha,
          mergedAt: pr.merged_at,
          number: pr.number,
          url: pr.html_url,
        }),
      ],
    };
  }
  return { ignored: `GitHub event '${event}' is not recorded` };
}
