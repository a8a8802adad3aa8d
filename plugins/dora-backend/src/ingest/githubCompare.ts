import { ResponseError } from '@backstage/errors';
import { parseWith } from '@internal/plugin-portal-node';
import { z } from 'zod';
import {
  CommitRangeReader,
  CommitsBetween,
  CompareApiOptions,
  fullCommitSha,
} from './gitHost';

/** GitHub lists at most this many commits in one compare answer (its first page). */
const COMPARE_COMMITS_LISTED = 250;

const iso = z.iso.datetime({ offset: true });
const person = z.object({ date: iso }).nullable().optional();

/**
 * The parts of GitHub's "compare two commits" answer used here
 * (`GET /repos/{owner}/{repo}/compare/{base}...{head}`): how head relates to base, the merge base,
 * and the commits reachable from head but not from base, oldest first.
 */
const comparisonPayload = z.object({
  status: z.enum(['ahead', 'behind', 'identical', 'diverged']),
  total_commits: z.number().int().nonnegative(),
  merge_base_commit: z.object({ sha: fullCommitSha }),
  commits: z
    .array(
      z.object({
        sha: fullCommitSha,
        commit: z.object({ author: person, committer: person }),
      }),
    )
    .max(COMPARE_COMMITS_LISTED),
});

/**
 * Reads GitHub's compare API with a token of the portal's. Owns the URL, the headers and what an
 * answer means; callers get the commits between two deployed SHAs, or nothing when the answer
 * does not say all of them (head behind or equal to base, more commits than one page lists).
 */
export class GithubCompareClient implements CommitRangeReader {
  static create(options: CompareApiOptions): GithubCompareClient {
    return new GithubCompareClient(options);
  }

  private readonly fetchFn: typeof fetch;

  private constructor(private readonly options: CompareApiOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  async commitsBetween(
    repository: string,
    base: string,
    head: string,
  ): Promise<CommitsBetween | undefined> {
    const [owner, name] = repository.split('/');
    const url = `${this.options.baseUrl}/repos/${encodeURIComponent(
      owner,
    )}/${encodeURIComponent(
      name,
    )}/compare/${base}...${head}?per_page=${COMPARE_COMMITS_LISTED}`;
    const response = await this.fetchFn(url, {
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${this.options.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
      },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const answer = parseWith(
      comparisonPayload,
      await response.json(),
      'GitHub compare answer',
    );
    const commits = answer.commits.map(c => ({
      id: c.sha,
      timestamp: (c.commit.author ?? c.commit.committer)?.date,
    }));
    if (
      (answer.status !== 'ahead' && answer.status !== 'diverged') ||
      commits.length !== answer.total_commits ||
      commits.length === 0 ||
      commits[commits.length - 1].id !== head.toLowerCase() ||
      commits.some(c => c.timestamp === undefined)
    ) {
      return undefined;
    }
    return {
      mergeBase: answer.merge_base_commit.sha,
      commits: commits as CommitsBetween['commits'],
    };
  }
}
