import { chunks } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { NormalizedChange } from '../domain/events';
import { reportedShas, whereService } from '../database/eventRows';
import { ChangeRow, DbNumber, DeploymentRow } from '../database/rows';
import { TABLES } from '../database/tables';
import { IngestReads } from '../database/IngestReads';
import { AffectedSpans } from './AffectedSpans';
import { firstInferringDeployment, latestInferredHeadTime } from './ancestry';
import { changesPushedAfter, deploymentIdsReporting } from './eventLookups';
import { ANCESTRY_ROUNDS, LOOKBACK_MS } from './lookback';

/** Rows per statement, well under SQLite's bound-parameter limit. */
const CHUNK = 400;

/** A change's SHA and commit time. */
type ChangeTime = Pick<ChangeRow, 'sha' | 'committed_at'>;

/** What a deployment row says about the SHAs it reports. */
type DeploymentShas = Pick<
  DeploymentRow,
  'finished_at' | 'commits' | 'commit_sha'
>;

/**
 * Which deployments a commit's report can change, through the SHA index, push ranges and
 * timestamp inference: the planning for commits, and the lookups the planning for deployments and
 * incidents shares with it. Reads inside the ingest's transaction, after its upserts.
 */
export class CommitSpans {
  constructor(private readonly fallbackMs: number) {}

  /**
   * Successful production deployments of a service reporting any of these SHAs, finished in
   * [from, to), through the SHA index.
   */
  async deploymentsReporting(
    tx: Knex.Transaction,
    service: string,
    shas: string[],
    from: number,
    to: number,
  ): Promise<Array<{ finishedAt: number; shas: Set<string>; head?: string }>> {
    const found: Array<{
      finishedAt: number;
      shas: Set<string>;
      head?: string;
    }> = [];
    // Ids through the SHA index first, then by primary key (see `deploymentIdsReporting`).
    for (const ids of await deploymentIdsReporting(tx, shas)) {
      const rows =
        IngestReads.of(tx)?.deployments(
          service,
          ids,
          at => at >= Math.floor(from) && at < Math.ceil(to),
        ) ??
        (await whereService(
          tx(TABLES.deployment).select('finished_at', 'commits', 'commit_sha'),
          service,
        )
          .whereIn('id', ids)
          .where('production', true)
          .where('status', 'success')
          .where('finished_at', '>=', Math.floor(from))
          .where('finished_at', '<', Math.ceil(to)));
      const wanted = new Set(shas);
      for (const r of rows as DeploymentShas[]) {
        found.push({
          finishedAt: Number(r.finished_at),
          shas: new Set(reportedShas(r).filter(sha => wanted.has(sha))),
          // Without a commit list, its head (the commits it takes are inferred up to it).
          ...(!r.commits && r.commit_sha ? { head: r.commit_sha } : {}),
        });
      }
    }
    return found.sort((a, b) => a.finishedAt - b.finishedAt);
  }

  /**
   * A commit's time matters to the first deployment that shipped it, however late the commit is
   * reported: finds those deployments (up to the lookback after the commit) and adds their span.
   * A commit no deployment ships yet changes no fact (its deployment will derive it).
   */
  async addDeploymentsShipping(
    tx: Knex.Transaction,
    service: string,
    changes: NormalizedChange[],
    spans: AffectedSpans,
    commitless: (service: string) => Promise<boolean>,
  ) {
    const first = Math.floor(Math.min(...changes.map(c => c.committedAt)));
    const last = Math.ceil(Math.max(...changes.map(c => c.committedAt)));
    await this.addAncestryDeployments(tx, service, changes, spans);
    const indexed =
      !service.startsWith('unmapped:') && !(await commitless(service));
    spans.mark(service, indexed);
    // Commits reported by deployments, through the SHA index; a deployment may even finish
    // before the commit's (skewed) time, up to the fallback window as the derive reads.
    // However much later they finished: a commit reported after its deployment still counts.
    const reporting = await this.deploymentsReporting(
      tx,
      service,
      changes.map(c => c.sha),
      first - this.fallbackMs,
      Number.MAX_SAFE_INTEGER,
    );
    // Every deployment reporting the commit changes: the first ships it (lead time), all of
    // them count it as a commit with a time now.
    for (const d of reporting) {
      spans.add(service, d.finishedAt, d.finishedAt);
    }
    if (indexed) {
      return;
    }
    const deployments = await whereService(
      tx(TABLES.deployment).select('finished_at', 'commit_sha', 'commits'),
      service,
    )
      .where('production', true)
      .where('status', 'success')
      .where('finished_at', '>=', first)
      .where('finished_at', '<', last + LOOKBACK_MS)
      .orderBy('finished_at');
    const parsed: Array<{
      finishedAt: number;
      shas: Set<string>;
      head?: string;
    }> = (deployments as DeploymentShas[]).map(d => ({
      finishedAt: Number(d.finished_at),
      shas: new Set<string>(reportedShas(d)),
      head: d.commits ? undefined : d.commit_sha ?? undefined,
    }));
    // Deployments without a commit list take every commit up to their head's commit time.
    const headTimes = new Map<string, number>();
    const heads = [...new Set(parsed.flatMap(d => (d.head ? [d.head] : [])))];
    for (const chunk of chunks(heads, CHUNK)) {
      const rows = await whereService(
        tx(TABLES.change).select('sha', 'committed_at'),
        service,
      ).whereIn('sha', chunk);
      (rows as ChangeTime[]).forEach(r =>
        headTimes.set(r.sha, Number(r.committed_at)),
      );
    }
    for (const change of changes) {
      // Deployments of this commit (however much later they finished) now have a head time: the
      // later ones may lose commits to them.
      const deployedAt = reporting
        .filter(d => d.head === change.sha)
        .map(d => d.finishedAt);
      if (deployedAt.length > 0) {
        await this.addInferenceFollowers(
          tx,
          service,
          Math.min(...deployedAt),
          change.committedAt,
          spans,
        );
      }
      let end: number | undefined;
      for (const d of parsed) {
        const headTime = d.head ? headTimes.get(d.head) : undefined;
        if (
          d.shas.has(change.sha) ||
          (headTime !== undefined && headTime >= change.committedAt)
        ) {
          end = d.finishedAt;
          break;
        }
      }
      if (end === undefined) {
        // No deployment of that period ships it: the first one inferring its commits whose head
        // is at least as new does, however much later (not just the first one after the period).
        const inferring = await firstInferringDeployment(
          tx,
          service,
          change.committedAt,
        );
        if (inferring) {
          end = Number(inferring.finished_at);
        }
      }
      const shippedAt = end ?? change.committedAt;
      spans.add(
        service,
        Math.min(change.committedAt, shippedAt),
        Math.max(change.committedAt, shippedAt),
      );
    }
  }

  /**
   * What commits (or a deployment's SHAs) reported late change through ancestry: the deployments
   * reporting a commit that push ranges show came after them (and, for commits with a range, them) (their trail back to a shipped commit may now be
   * complete, whatever the commit times), and the deployments, finished after the earliest of
   * those, that reported a commit on the new ranges' trail back (they may ship it later than
   * those now do). Up to ANCESTRY_ROUNDS ranges either way.
   */
  async addAncestryDeployments(
    tx: Knex.Transaction,
    service: string,
    changes: Array<Pick<NormalizedChange, 'sha' | 'pushed'>>,
    spans: AffectedSpans,
  ) {
    const seen = new Set(changes.map(c => c.sha));
    for (const r of await changesPushedAfter(tx, service, seen)) {
      seen.add(r.sha);
    }
    const ranged = changes.some(c => c.pushed);
    const walked = [...seen].filter(
      sha => ranged || !changes.some(c => c.sha === sha),
    );
    if (walked.length === 0) {
      return;
    }
    const walkers = await this.deploymentsReporting(
      tx,
      service,
      walked,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    if (walkers.length === 0) {
      return;
    }
    // A walker that now follows ranges no longer infers its commits from commit times: what it
    // took that way goes to the later deployments inference or a commit list gives it to.
    const times = new Map<string, number>();
    for (const chunk of chunks(
      [...new Set(walkers.flatMap(d => [...d.shas]))],
      CHUNK,
    )) {
      for (const r of (await whereService(
        tx(TABLES.change).select('sha', 'committed_at'),
        service,
      ).whereIn('sha', chunk)) as ChangeTime[]) {
        times.set(r.sha, Number(r.committed_at));
      }
    }
    for (const d of walkers) {
      spans.add(service, d.finishedAt, d.finishedAt);
      const headTime = Math.max(
        ...[...d.shas].map(sha => times.get(sha) ?? -Infinity),
      );
      if (Number.isFinite(headTime)) {
        await this.addInferenceFollowers(
          tx,
          service,
          d.finishedAt,
          headTime,
          spans,
        );
      }
    }
    const earliest = walkers[0].finishedAt;
    const visited = new Set<string>();
    let trail = changes.flatMap(c =>
      c.pushed && !/^0+$/.test(c.pushed.before) ? [c.pushed.before] : [],
    );
    for (let round = 0; round < ANCESTRY_ROUNDS && trail.length > 0; round++) {
      trail.forEach(sha => visited.add(sha));
      const boundaries = new Set<string>();
      for (const d of await this.deploymentsReporting(
        tx,
        service,
        trail,
        0,
        Number.MAX_SAFE_INTEGER,
      )) {
        if (d.finishedAt < earliest) {
          d.shas.forEach(sha => boundaries.add(sha));
        } else {
          spans.add(service, d.finishedAt, d.finishedAt);
        }
      }
      const next = new Set<string>();
      for (const chunk of chunks(
        trail.filter(sha => !boundaries.has(sha)),
        CHUNK,
      )) {
        const rows = await whereService(
          tx(TABLES.change).select('pushed_before'),
          service,
        )
          .whereIn('sha', chunk)
          .whereNotNull('pushed_before');
        for (const r of rows as Array<{ pushed_before: string }>) {
          if (!/^0+$/.test(r.pushed_before) && !visited.has(r.pushed_before)) {
            next.add(r.pushed_before);
          }
        }
      }
      trail = [...next];
    }
  }

  /**
   * Timestamp inference gives a deployment without a commit list the commits after the latest head
   * commit time of the deployments before it. Raising that time at `after` (a deployment, or its
   * head commit's time, reported late) changes every later such deployment up to the first whose
   * head is at least as new, and the later deployments that listed a commit it now takes first:
   * their spans are added, however much later they finished.
   */
  async addInferenceFollowers(
    tx: Knex.Transaction,
    service: string,
    after: number,
    headTime: number,
    spans: AffectedSpans,
  ) {
    const floor = await latestInferredHeadTime(tx, service, after);
    const taken = await whereService(tx(TABLES.change).select('sha'), service)
      .modify(q =>
        floor === undefined ? q : q.where('committed_at', '>', floor),
      )
      .where('committed_at', '<=', Math.ceil(headTime));
    for (const later of await this.deploymentsReporting(
      tx,
      service,
      (taken as Array<Pick<ChangeRow, 'sha'>>).map(r => r.sha),
      after,
      Number.MAX_SAFE_INTEGER,
    )) {
      spans.add(service, later.finishedAt, later.finishedAt);
    }
    let cursor = Math.floor(after);
    for (;;) {
      const rows = (await whereService(
        tx(TABLES.deployment).select('finished_at', 'commit_sha'),
        service,
      )
        .whereNull('commits')
        .whereNotNull('commit_sha')
        .where('production', true)
        .where('status', 'success')
        .where('finished_at', '>', cursor)
        .orderBy('finished_at')
        .limit(CHUNK)) as Array<{ finished_at: DbNumber; commit_sha: string }>;
      if (rows.length === 0) {
        return;
      }
      const headTimes = new Map<string, number>();
      const heads = [...new Set(rows.map(r => String(r.commit_sha)))];
      for (const r of (await whereService(
        tx(TABLES.change).select('sha', 'committed_at'),
        service,
      ).whereIn('sha', heads)) as ChangeTime[]) {
        headTimes.set(r.sha, Number(r.committed_at));
      }
      for (const r of rows) {
        spans.add(service, Number(r.finished_at), Number(r.finished_at));
        const time = headTimes.get(r.commit_sha);
        if (time !== undefined && time >= headTime) {
          return;
        }
      }
      cursor = Number(rows[rows.length - 1].finished_at);
    }
  }
}
