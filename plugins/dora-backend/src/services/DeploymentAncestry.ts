import { LoggerService } from '@backstage/backend-plugin-api';
import { CommitRangeReader, pushedCommitChanges } from '../ingest/gitHost';
import { DoraStore } from './DoraStore';
import {
  NormalizedChange,
  NormalizedDeployment,
  NormalizedEvent,
} from '../domain/events';

/** The Git hosts whose compare API can say which commits a deployment added. */
type GitHost = 'github' | 'gitlab';

/**
 * Asks the Git host which commits a deployment added since the service's previous one, when a
 * token allows it: GitHub's or GitLab's compare API between the two deployed SHAs (the
 * deployment's service key is the repository on either). The answer becomes changes
 * with their range (base..head), so the deployment's commits come from ancestry even when pushes
 * were not delivered. Any range is true whichever deployment was stored before, so the order in
 * which deployments arrive does not change what a commit is attributed to.
 */
export class DeploymentAncestry {
  static create(options: {
    store: DoraStore;
    github?: CommitRangeReader;
    gitlab?: CommitRangeReader;
    logger: LoggerService;
  }) {
    const readers = new Map<GitHost, CommitRangeReader>();
    for (const host of ['github', 'gitlab'] as const) {
      const reader = options[host];
      if (reader) {
        readers.set(host, reader);
      }
    }
    return new DeploymentAncestry(options.store, options.logger, readers);
  }

  private constructor(
    private readonly store: DoraStore,
    private readonly logger: LoggerService,
    private readonly readers: ReadonlyMap<GitHost, CommitRangeReader>,
  ) {}

  /**
   * The changes the compare APIs give the GitHub and GitLab deployments of a batch (none for a
   * host without a token).
   */
  async changesFor(events: NormalizedEvent[]): Promise<NormalizedChange[]> {
    if (this.readers.size === 0) {
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
        this.readers.has(e.source as GitHost) &&
        e.serviceKeyType === e.source &&
        e.status === 'success' &&
        e.production &&
        e.commitSha !== undefined &&
        e.finishedAt !== undefined &&
        !e.commits,
    );
    const changes: NormalizedChange[] = [];
    for (const e of deployed) {
      const host = e.source as GitHost;
      const base = await this.previousSha(e, deployed);
      if (!base || base === e.commitSha) {
        continue;
      }
      try {
        const between = await this.readers
          .get(host)!
          .commitsBetween(e.serviceKey, base, e.commitSha);
        if (between) {
          changes.push(
            ...pushedCommitChanges(
              { source: host, serviceKeyType: host, repository: e.serviceKey },
              between.commits,
              { before: between.mergeBase, after: e.commitSha },
            ),
          );
        }
      } catch (error) {
        // The deployment is stored anyway; its commits then come from pushes or commit times.
        this.logger.warn(
          `DORA: ${
            host === 'github' ? 'GitHub' : 'GitLab'
          } compare ${base.slice(0, 12)}...${e.commitSha.slice(0, 12)} of ${
            e.serviceKey
          } failed: ${error}`,
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
          d.serviceKeyType === e.serviceKeyType &&
          d.serviceKey === e.serviceKey &&
          d.finishedAt < e.finishedAt &&
          d.finishedAt > (stored?.finishedAt ?? -Infinity),
      )
      .sort((a, b) => b.finishedAt - a.finishedAt)[0];
    return inBatch?.commitSha ?? stored?.sha;
  }
}
