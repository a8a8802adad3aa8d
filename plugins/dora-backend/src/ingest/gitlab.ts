import { DoraDeploymentStatus } from '@internal/plugin-dora-common';
import { parseWith } from '@internal/plugin-portal-node';
import { z } from 'zod';
import { WebhookResult } from '../domain/events';
import { isProduction, NormalizeOptions } from './generic';
import {
  branchOfRef,
  fullCommitSha as sha,
  isTrackedBranch,
  mergeCommitChange,
  pushedCommitChanges,
  RepositoryOrigin,
  repositoryDeployment,
} from './gitHost';

/**
 * GitLab webhooks as documented on "Webhook events"
 * (https://docs.gitlab.com/user/project/integrations/webhook_events/): the `X-Gitlab-Event`
 * header names the event; these are the ones recorded, everything else is acknowledged and ignored.
 */
export const GITLAB_EVENTS = [
  'Push Hook',
  'Merge Request Hook',
  'Deployment Hook',
] as const;

/**
 * GitLab writes timestamps three ways: ISO 8601 (commit timestamps), `2021-04-28 21:50:00 +0200`
 * (a deployment's `status_changed_at`) and `2013-12-03 17:23:34 UTC` (merge request attributes).
 * Each is rewritten to ISO 8601 and then checked as one, so impossible dates (month 13, 30 February)
 * are refused rather than rolled over.
 */
const GITLAB_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) ?(Z|UTC|[+-]\d{2}:?\d{2})$/;
const timestamp = z
  .string()
  .max(64)
  .transform(value => {
    const match = GITLAB_TIME.exec(value);
    if (!match) {
      return value;
    }
    const [, date, time, zone] = match;
    const offset =
      zone === 'Z' || zone === 'UTC'
        ? 'Z'
        : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    return `${date}T${time}${offset}`;
  })
  .pipe(
    z.iso.datetime({
      offset: true,
      message:
        'must be a date-time such as 2021-04-28 21:50:00 +0200 or 2021-04-28T19:50:00Z',
    }),
  );

const project = z.object({
  path_with_namespace: z.string().trim().min(1).max(512),
  default_branch: z.string().max(256).nullable().optional(),
});

/** Pushes name `after` all zeros when they delete the branch. */
const DELETED = /^0+$/;

const pushPayload = z.object({
  ref: z.string().max(512),
  after: z.string().max(64).optional(),
  project,
  // GitLab sends the newest 20 commits of a push (`total_commits_count` has the real number).
  commits: z.array(z.object({ id: sha, timestamp })).max(5000),
});

const mergeRequestPayload = z.object({
  project,
  object_attributes: z.object({
    iid: z.number().int().positive().max(1e9),
    action: z.string().max(64).optional(),
    state: z.string().max(64),
    target_branch: z.string().min(1).max(256),
    merge_commit_sha: sha.nullable().optional(),
    url: z.string().max(2048).optional(),
    // Set when the merge request was merged, so the merge event's value is the merge time.
    updated_at: timestamp,
  }),
});

const deploymentPayload = z.object({
  status: z.string().max(32),
  status_changed_at: timestamp,
  deployment_id: z.number().int().positive(),
  environment: z.string().trim().min(1).max(256),
  environment_tier: z.string().max(64).nullable().optional(),
  // The full SHA is only in the commit's address (`short_sha` is abbreviated).
  commit_url: z
    .string()
    .max(2048)
    .regex(
      /\/commit\/[0-9a-f]{40,64}\/?$/i,
      'must end in /-/commit/<full commit SHA>',
    ),
  project,
});

const STATUSES: Record<string, DoraDeploymentStatus | undefined> = {
  running: 'in_progress',
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
};

const originOf = (p: { path_with_namespace: string }): RepositoryOrigin => ({
  source: 'gitlab',
  serviceKeyType: 'gitlab',
  repository: p.path_with_namespace,
});

const shaOfCommitUrl = (url: string): string =>
  sha.parse(/([0-9a-f]{40,64})\/?$/i.exec(url)![1]);

/**
 * Converts a verified GitLab webhook delivery. Deployment events become deployments of the
 * commit they name (production when the environment's tier is `production` or its name is a
 * configured production environment); pushes to the default branch (or the configured branches)
 * become one change per commit; merged merge requests add their number and address to the merge
 * commit's change.
 */
export function normalizeGitlabWebhook(
  event: string,
  body: unknown,
  options: NormalizeOptions & { branches?: string[] },
): WebhookResult {
  if (event === 'Deployment Hook') {
    const p = parseWith(deploymentPayload, body, 'Deployment Hook payload');
    const status = STATUSES[p.status];
    if (!status) {
      return { ignored: `deployment status '${p.status}' is not recorded` };
    }
    return {
      events: [
        repositoryDeployment(originOf(p.project), {
          externalId: String(p.deployment_id),
          environment: p.environment,
          production:
            p.environment_tier === 'production' ||
            isProduction(p.environment, options),
          status,
          // GitLab does not mark hotfixes or rollbacks; report those through POST /events.
          kind: 'regular',
          commitSha: shaOfCommitUrl(p.commit_url),
          // Each report carries only its own time; the store keeps the earliest as the start.
          startedAt: p.status_changed_at,
          reportedAt: p.status_changed_at,
        }),
      ],
    };
  }
  if (event === 'Push Hook') {
    const p = parseWith(pushPayload, body, 'Push Hook payload');
    const branch = branchOfRef(p.ref);
    if (
      (p.after !== undefined && DELETED.test(p.after)) ||
      branch === undefined ||
      !isTrackedBranch(
        branch,
        options.branches,
        p.project.default_branch ?? undefined,
      )
    ) {
      return { ignored: `ref ${p.ref} is not a tracked branch` };
    }
    return { events: pushedCommitChanges(originOf(p.project), p.commits) };
  }
  if (event === 'Merge Request Hook') {
    const p = parseWith(
      mergeRequestPayload,
      body,
      'Merge Request Hook payload',
    );
    const mr = p.object_attributes;
    if (mr.state !== 'merged' || (mr.action && mr.action !== 'merge')) {
      return {
        ignored: `merge request ${
          mr.action ?? mr.state
        } without merge is not recorded`,
      };
    }
    if (
      !isTrackedBranch(
        mr.target_branch,
        options.branches,
        p.project.default_branch ?? undefined,
      )
    ) {
      return {
        ignored: `merge request into ${mr.target_branch}, not a tracked branch`,
      };
    }
    if (!mr.merge_commit_sha) {
      // Fast-forward merges make no merge commit; their commits arrive with the push.
      return {
        ignored: 'merge request merged without a merge commit (fast-forward)',
      };
    }
    return {
      events: [
        mergeCommitChange(originOf(p.project), {
          sha: mr.merge_commit_sha,
          mergedAt: mr.updated_at,
          number: mr.iid,
          url: mr.url,
        }),
      ],
    };
  }
  return { ignored: `GitLab event '${event}' is not recorded` };
}
