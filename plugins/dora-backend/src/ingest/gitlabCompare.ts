import { ResponseError } from '@backstage/errors';
import { parseWith } from '@internal/plugin-portal-node';
import { z } from 'zod';
import {
  CommitRangeReader,
  CommitsBetween,
  CompareApiOptions,
  fullCommitSha,
} from './gitHost';

const iso = z.iso.datetime({ offset: true });

/**
 * The parts of GitLab's "Compare branches, tags or commits" answer used here
 * (`GET /projects/:id/repository/compare`, docs.gitlab.com/api/repositories): `commits` are
 * GitLab's commit entities, oldest first (the answer's own `commit` is the last of them, the
 * head), and `compare_same_ref` says both SHAs are one commit. GitLab documents no cap on the
 * commits it lists (only diffs are limited, which `compare_timeout` reports and which are not
 * read here), so the list is taken as complete.
 */
const comparisonPayload = z.object({
  commits: z
    .array(
      z.object({
        id: fullCommitSha,
        authored_date: iso.nullable().optional(),
        committed_date: iso.nullable().optional(),
        created_at: iso.nullable().optional(),
      }),
    )
    .max(100_000),
  compare_same_ref: z.boolean().optional(),
});

/**
 * Reads GitLab's compare API (gitlab.com or a self-managed instance's `/api/v4`) with a token of
 * the portal's (a personal, group or project access token with `read_api` or `read_repository`).
 * It asks for the straight comparison (`straight=true`, Git's `base..head`): exactly the commits
 * reachable from the deployed head and not from the previously deployed SHA.
 */
export class GitlabCompareClient implements CommitRangeReader {
  static create(options: CompareApiOptions): GitlabCompareClient {
    return new GitlabCompareClient(options);
  }

  private readonly fetchFn: typeof fetch;

  private constructor(private readonly options: CompareApiOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  /** `project` is the path with namespace (`group/subgroup/project`), the service key of GitLab. */
  async commitsBetween(
    project: string,
    base: string,
    head: string,
  ): Promise<CommitsBetween | undefined> {
    const query = new URLSearchParams({
      from: base,
      to: head,
      straight: 'true',
    });
    const url = `${this.options.baseUrl}/projects/${encodeURIComponent(
      project,
    )}/repository/compare?${query}`;
    const response = await this.fetchFn(url, {
      headers: {
        Accept: 'application/json',
        'PRIVATE-TOKEN': this.options.token,
      },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const answer = parseWith(
      comparisonPayload,
      await response.json(),
      'GitLab compare answer',
    );
    const commits = answer.commits.map(c => ({
      id: c.id,
      timestamp: c.authored_date ?? c.committed_date ?? c.created_at,
    }));
    if (
      answer.compare_same_ref ||
      commits.length === 0 ||
      commits[commits.length - 1].id !== head.toLowerCase() ||
      commits.some(c => !c.timestamp)
    ) {
      // Head equal to or behind base (a rollback to an older SHA lists nothing), or an answer
      // that does not end at head: leave the deployment to the other sources.
      return undefined;
    }
    return { mergeBase: base, commits: commits as CommitsBetween['commits'] };
  }
}
