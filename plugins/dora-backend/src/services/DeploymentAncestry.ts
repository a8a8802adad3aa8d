import { LoggerService } from '@backstage/backend-plugin-api';
import { pushedCommitChanges } from '../ingest/gitHost';
import { GithubCompareClient } from '../ingest/githubCompare';
import { DoraStore } from './DoraStore';
import {
  NormalizedChange,
  NormalizedDeployment,
  NormalizedEvent,
} from './types';

/**
 * Asks the Git host which commits a deployment added since the service's previous one, when a
 * token allows it: GitHub's compare API between the two deployed SHAs. The answer becomes changes
 * with their range (base..head), so the deployment's commits come from ancestry even when pushes
 * were not delivered. Any range is true whichever deployment was stored before, so the order in
 * which deployments arrive does not change what a commit is attributed to.
 */
export class DeploymentAncestry {
  static create(options: {
    store: DoraStore;
    github?: GithubCompareClient;
    logger: LoggerService;
  }) {
    return new DeploymentAncestry(
      options.store,
      options.logger,
      options.github,
    );
  }

  private constructor(
    private readonly store: DoraStore,
    private readonly logger: LoggerService,
    private readonly github?: GithubCompareClient,
  ) {}

  /** The changes the compare API gives the GitHub deployments of a batch (none without a token). */
  async changesFor(events: NormalizedEvent[]): Promise<NormalizedChange[]> {
    const github = this.github;
    if (!github) {
      return [];
    }
    const deployed = events.filter(
      (
        e,
      ): e is NormalizedDeployment & {
        commitSha: string;
        finishedAt: number;
      } =>
        e.type === 'deployment' &&
        e.source === 'github' &&
        e.serviceKeyType === 'github' &&
        e.status === 'success' &&
        e.production &&
        e.commitSha !== undefined &&
        e.finishedAt !== undefined &&
        !e.commits,
    );
    const changes: NormalizedChange[] = [];
    for (const e of deployed) {
      const base = await this.previousSha(e, deployed);
      if (!base || base === e.commitSha) {
        continue;
      }
      try {
        const between = await github.commitsBetween(
          e.serviceKey,
          base,
          e.commitSha,
        );
        if (between) {
          changes.push(
            ...pushedCommitChanges(
              {
                source: 'github',
                serviceKeyType: 'github',
                repository: e.serviceKey,
              },
              between.commits,
              { before: between.mergeBase, after: e.commitSha },
            ),
          );
        }
      } catch (error) {
        // The deployment is stored anyway; its commits then come from pushes or commit times.
        this.logger.warn(
          `DORA: GitHub compare ${base.slice(0, 12)}...${e.commitSha.slice(
            0,
            12,
          )} of ${e.serviceKey} failed: ${error}`,
        );
      }
    }
    return changes;
  }

  /** The SHA of the service's last deployment before this one, stored or in the same batch. */
  private async previousSha(
    e: NormalizedDeployment & { finishedAt: number },
    batch: Array<NormalizedDeployment & { finishedAt: number }>,
  ): Promise<string | undefined> {
    const stored = await this.store.previousDeployedSha(
      e.serviceKeyType,
      e.serviceKey,
      e.finishedAt,
    );
    const inBatch = batch
      .filter(
        d =>
          d.serviceKey === e.serviceKey &&
          d.finishedAt < e.finishedAt &&
          d.finishedAt > (stored?.finishedAt ?? -Infinity),
      )
      .sort((a, b) => b.finishedAt - a.finishedAt)[0];
    return inBatch?.commitSha ?? stored?.sha;
  }
}
