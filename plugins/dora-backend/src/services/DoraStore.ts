import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DoraServiceKeyType,
  DoraUnmappedService,
} from '@internal/plugin-dora-common';
import { chunks, dbNumber, runOnce } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import {
  DAY_MS,
  HOUR_MS,
  RELEASE_SPREAD_MS,
  REPAIR_WINDOW_MS,
} from '../domain';
import {
  NormalizedChange,
  NormalizedDeployment,
  NormalizedEvent,
  ServiceKeyResolver,
} from '../domain/events';
import {
  BackfillJob,
  BackfillJobsStore,
  BackfillStatus,
} from '../database/BackfillJobsStore';
import { DatabaseBackfillJobsStore } from '../database/DatabaseBackfillJobsStore';
import { DatabaseEventsStore } from '../database/DatabaseEventsStore';
import { DatabaseFactsStore } from '../database/DatabaseFactsStore';
import { reportedShas, rowBase, serviceOf } from '../database/eventRows';
import { SERVICE_COLUMNS } from '../database/rows';
import { EVENT_TYPES, EventsStore, EventType } from '../database/EventsStore';
import { FactsStore } from '../database/FactsStore';
import { mergedInKeyOrder } from '../database/mergeReports';
import { migrateDoraDatabase } from '../database/migrations';
import { FACT_TABLES, MARKERS, TABLES } from '../database/tables';
import { SERVICE_ANNOTATIONS } from './CatalogServiceMap';
import {
  AffectedSpans,
  ANCESTRY_ROUNDS,
  changesPushedOnto,
  deploymentIdsReporting,
  deriveServiceInChunks,
  deriveServicesInRounds,
  firstInferringDeployment,
  hasCommitlessDeployments,
  latestInferredHeadTime,
  lockServices,
  LOOKBACK_MS,
  serviceSpan,
  SETTLE_MS,
  shasPushedWithOrAfter,
  termGroups,
  whereService,
} from './DerivedFacts';
import { batchShas, IngestReads } from './IngestReads';

/** Rows per statement, well under SQLite's bound-parameter limit. */
const CHUNK = 400;

/** How long the set of services with an incident source is reused. */
const INCIDENT_SERVICES_TTL_MS = 60_000;

/** The annotation a component needs to claim events with this kind of service key. */
export const ANNOTATION_BY_KEY_TYPE: Record<DoraServiceKeyType, string> = {
  entity: 'metadata.name (component:<namespace>/<name>)',
  ...SERVICE_ANNOTATIONS,
};

/** What `addDeploymentSpan` reads for a regular deployment with a commit list. */
interface NarrowSpanReads {
  fixAfter: boolean;
  moved: any[];
  naming: any[];
  performed: any[];
}

/**
 * The plugin's data: stores DORA events and keeps the facts derived from them up to date. Each
 * write owns its transaction: it locks the services involved, upserts the events
 * ({@link EventsStore}), plans what they can change (`affectedSpans`) and derives that
 * again (`DerivedFacts`). Every write is an idempotent upsert keyed by (source, external id), so
 * redeliveries, concurrent duplicates from several replicas and out-of-order reports converge on
 * the same rows.
 */
export class DoraStore {
  static async create(options: {
    database: DatabaseService | { getClient(): Promise<Knex> };
    skipMigrations?: boolean;
    /** The incident fallback window the stored facts are derived with (default 24 hours). */
    incidentFallbackHours?: number;
    logger?: { info(message: string): void };
  }): Promise<DoraStore> {
    const db = await options.database.getClient();
    const skip =
      options.skipMigrations ??
      ('migrations' in options.database && options.database.migrations?.skip);
    if (!skip) {
      await migrateDoraDatabase(db);
    }
    const store = new DoraStore(
      db,
      (options.incidentFallbackHours ?? 24) * HOUR_MS,
    );
    if (!skip) {
      // Whoever runs the migrations also backfills what they introduced.
      await store.ensureDerived(options.logger);
    }
    return store;
  }

  private readonly events: EventsStore;
  private readonly facts: FactsStore;
  private readonly backfills: BackfillJobsStore;
  private incidentServices?: { at: number; set: Set<string> };

  private constructor(
    private readonly db: Knex,
    private readonly fallbackMs: number,
  ) {
    this.events = new DatabaseEventsStore(db);
    this.facts = new DatabaseFactsStore(db);
    this.backfills = new DatabaseBackfillJobsStore(db);
  }

  /**
   * Backfills the derived tables (facts, rollups, unlinked incidents) when they were never built
   * for the configured fallback window, e.g. after the upgrade that introduced them. One replica
   * does it under a marker; the others wait for its transaction and skip.
   */
  async ensureDerived(logger?: { info(message: string): void }) {
    // v2: weekly rollups added. v3: releases and repairs by fixes (issue 16). v4: commits by
    // ancestry, and timestamp inference that does not take a commit twice (issue 16, 7 and 11).
    // v5: incidents naming a commit linked to its first deployment however much later it
    // finished (issue 16, 11). v6: the ingest derives again what a late event can affect beyond
    // its neighbourhood (commits inferred by a much later deployment, the later rollouts of a
    // release an incident's cause fails): facts it left stale are derived again (issue 16, 11).
    const marker = `facts-v6:fallback-${this.fallbackMs}`;
    if (await this.facts.hasMarker(marker)) {
      return;
    }
    const started = Date.now();
    const built = await this.runOnce(marker, async tx => {
      await tx.facts.dropOtherFactMarkers(marker);
      await tx.rebuildAll();
    });
    if (built) {
      logger?.info(
        `DORA: derived deployment facts and daily rollups from stored events in ${
          Date.now() - started
        } ms`,
      );
    }
  }

  /** Every service with stored events or derived rows. */
  private async allServices(): Promise<string[]> {
    const services = new Set([
      ...(await this.events.eventServices()),
      ...(await this.facts.derivedServices()),
    ]);
    return [...services].sort();
  }

  /** Derives facts and rollups of every service again from the raw events (same transaction). */
  async rebuildAll(): Promise<void> {
    await this.facts.clearDerived();
    for (const service of await this.allServices()) {
      await this.db.transaction(async tx => {
        await lockServices(tx, [service]);
        await this.deriveWholeService(tx, service);
      });
    }
  }

  /**
   * Derives the facts of every service from `since` again, one service per transaction under its
   * lock: catches effects of late events further away than the ingest-time settle range.
   */
  async reconcile(since: number, now = Date.now()): Promise<number> {
    const services = await this.allServices();
    for (const service of services) {
      await this.db.transaction(async tx => {
        await lockServices(tx, [service]);
        await deriveServiceInChunks(
          tx,
          service,
          {
            from: Math.floor(since / DAY_MS) * DAY_MS,
            to: (Math.floor(now / DAY_MS) + 2) * DAY_MS,
          },
          this.fallbackMs,
        );
      });
    }
    return services.length;
  }

  /** Stores a batch in one transaction: all of it or, on error, none of it. */
  async ingest(
    events: NormalizedEvent[],
    resolve: ServiceKeyResolver,
    receivedAt: number = Date.now(),
  ): Promise<void> {
    const sorted = mergedInKeyOrder(events);
    const base = rowBase(resolve, receivedAt);

    if (sorted.some(e => e.type === 'incident')) {
      this.incidentServices = undefined;
    }
    await this.db.transaction(async tx => {
      // Lock the services first, then read what is stored: a concurrent ingest of the same
      // service has committed by then, so its rows are seen and its spans derived again.
      const fresh = new Set(sorted.map(e => serviceOf(base(e))));
      await lockServices(tx, [...fresh]);
      const previous = await this.previousRows(tx, sorted);
      const late = [...new Set([...previous.values()].map(serviceOf))].filter(
        service => !fresh.has(service),
      );
      await lockServices(tx, late);

      await this.events.upsertEvents(tx, sorted, base);
      // What the per-service lookups below would read one service at a time, read for the batch.
      (
        await IngestReads.load(tx, [...fresh, ...late], batchShas(sorted))
      ).attach(tx);

      const spans = await this.affectedSpans(tx, sorted, previous, base);
      await deriveServicesInRounds(
        tx,
        spans
          .services()
          .map(service => ({ service, ranges: spans.ranges(service) })),
        this.fallbackMs,
      );
    });
  }

  /**
   * Stores a chunk of a bulk backfill in one transaction with the same upserts as `ingest`, but
   * derives nothing: the services it touched are marked for the job instead, and the job's
   * progress (lines and events stored so far) commits with the events. `deriveBackfilled` derives
   * the marked services once, at the end.
   */
  async storeBackfillChunk(
    jobId: string,
    events: NormalizedEvent[],
    resolve: ServiceKeyResolver,
    progress: { lines: number; events: number },
    receivedAt: number = Date.now(),
  ): Promise<void> {
    const sorted = mergedInKeyOrder(events);
    const base = rowBase(resolve, receivedAt);
    if (sorted.some(e => e.type === 'incident')) {
      this.incidentServices = undefined;
    }
    await this.db.transaction(async tx => {
      await this.events.upsertEvents(tx, sorted, base);
      const services = [...new Set(sorted.map(e => serviceOf(base(e))))];
      await this.backfills.recordChunk(tx, jobId, services, progress);
    });
  }

  /** Starts a backfill job (status `receiving`). */
  async createBackfillJob(id: string, source: string): Promise<void> {
    await this.backfills.createBackfillJob(id, source);
  }

  /** Records a job's status (and the error that stopped it). */
  async setBackfillStatus(
    id: string,
    status: BackfillStatus,
    error?: string,
  ): Promise<void> {
    await this.backfills.setBackfillStatus(id, status, error);
  }

  /** A backfill job, if one with this id was started by this source. */
  async getBackfillJob(
    id: string,
    source: string,
  ): Promise<BackfillJob | undefined> {
    return this.backfills.getBackfillJob(id, source);
  }

  /**
   * Derives the whole history of every service a backfill job marked, one service per transaction
   * under its lock (as a rebuild does), dropping the mark in that transaction. Whatever was stored
   * before the lock is taken - by this job, another replica's backfill or live ingest - is read,
   * so the facts equal a rebuild once every job has derived. Returns the services derived.
   */
  async deriveBackfilled(jobId: string): Promise<number> {
    this.incidentServices = undefined;
    const services = await this.backfills.markedServices(jobId);
    for (const service of services) {
      await this.db.transaction(async tx => {
        await lockServices(tx, [service]);
        if (!(await this.backfills.takeMark(tx, jobId, service))) {
          return; // derived meanwhile by the sweep of abandoned jobs
        }
        await this.deriveWholeService(tx, service);
        await this.backfills.touch(tx, jobId);
      });
    }
    return services.length;
  }

  /**
   * Jobs that still have services to derive and made no progress since `staleBefore` (their
   * request broke off or their replica stopped): derives them and closes them. Returns the jobs.
   */
  async finishAbandonedBackfills(staleBefore: number): Promise<number> {
    const jobs = await this.backfills.abandonedJobs(staleBefore);
    for (const job of jobs) {
      await this.deriveBackfilled(job.id);
      if (job.status === 'receiving' || job.status === 'deriving') {
        await this.setBackfillStatus(
          job.id,
          job.status === 'receiving' ? 'interrupted' : 'completed',
          job.status === 'receiving'
            ? 'the request ended before the stream did; resend from the line after the stored ones'
            : undefined,
        );
      }
    }
    return jobs.length;
  }

  /**
   * Successful production deployments of a service reporting any of these SHAs, finished in
   * [from, to), through the SHA index.
   */
  private async deploymentsReporting(
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
      for (const r of rows as any[]) {
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
  private async addDeploymentsShipping(
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
    if (indexed) {
      // Commits reported by deployments, through the SHA index; a deployment may even finish
      // before the commit's (skewed) time, up to the fallback window as the derive reads.
      // However much later they finished: a commit reported after its deployment still counts.
      const shipping = await this.deploymentsReporting(
        tx,
        service,
        changes.map(c => c.sha),
        first - this.fallbackMs,
        Number.MAX_SAFE_INTEGER,
      );
      // Every deployment reporting the commit changes: the first ships it (lead time), all of
      // them count it as a commit with a time now.
      for (const d of shipping) {
        spans.add(service, d.finishedAt, d.finishedAt);
      }
      return;
    }
    // Deployments reporting the commits, however much later (they count it with a time now).
    const reporting = await this.deploymentsReporting(
      tx,
      service,
      changes.map(c => c.sha),
      first - this.fallbackMs,
      Number.MAX_SAFE_INTEGER,
    );
    for (const d of reporting) {
      spans.add(service, d.finishedAt, d.finishedAt);
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
    }> = deployments.map((d: any) => ({
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
      rows.forEach((r: any) => headTimes.set(r.sha, Number(r.committed_at)));
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
  private async addAncestryDeployments(
    tx: Knex.Transaction,
    service: string,
    changes: Array<Pick<NormalizedChange, 'sha' | 'pushed'>>,
    spans: AffectedSpans,
  ) {
    const seen = new Set(changes.map(c => c.sha));
    let frontier = [...seen];
    const ranged = changes.some(c => c.pushed);
    for (
      let round = 0;
      round < ANCESTRY_ROUNDS && frontier.length > 0;
      round++
    ) {
      const next: string[] = [];
      for (const rows of await changesPushedOnto(tx, frontier)) {
        for (const r of rows) {
          if (serviceOf(r) === service && !seen.has(r.sha)) {
            seen.add(r.sha);
            next.push(r.sha);
          }
        }
      }
      frontier = next;
    }
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
      ).whereIn('sha', chunk)) as any[]) {
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
        for (const r of rows as any[]) {
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
  private async addInferenceFollowers(
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
      taken.map((r: any) => r.sha),
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
        .limit(CHUNK)) as any[];
      if (rows.length === 0) {
        return;
      }
      const headTimes = new Map<string, number>();
      const heads = [...new Set(rows.map(r => String(r.commit_sha)))];
      for (const r of (await whereService(
        tx(TABLES.change).select('sha', 'committed_at'),
        service,
      ).whereIn('sha', heads)) as any[]) {
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

  /**
   * What `addDeploymentSpan` reads for the batch's regular deployments with a commit list (most of
   * a batch), read for all of them at once: whether a fix followed within the repair window,
   * incidents without a cause opened up to the fallback window after, and the rollbacks each
   * performed. The same rows as its per-deployment queries (raw rows do not change after the
   * batch's upserts); one statement per kind instead of one per deployment.
   */
  private async preloadNarrowSpans(
    tx: Knex.Transaction,
    deployments: Array<{
      e: NormalizedDeployment;
      service: string;
      times: number[];
    }>,
  ): Promise<Map<NormalizedDeployment, NarrowSpanReads>> {
    const items = deployments.map(d => ({
      ...d,
      from: Math.min(...d.times),
      to: Math.max(...d.times),
    }));
    const found = new Map<NormalizedDeployment, NarrowSpanReads>(
      items.map(d => [
        d.e,
        { fixAfter: false, moved: [], naming: [], performed: [] },
      ]),
    );
    const fixes: any[] = [];
    const incidents: any[] = [];
    const serviceColumns = SERVICE_COLUMNS;
    for (const group of termGroups(items, () => 5)) {
      fixes.push(
        ...(await tx(TABLES.deployment)
          .select(['finished_at', ...serviceColumns])
          .where('production', true)
          .where('status', 'success')
          .whereNot('kind', 'regular')
          .where(q => {
            for (const d of group) {
              q.orWhere(w =>
                whereService(w, d.service)
                  .where('finished_at', '>', Math.floor(d.from))
                  .where(
                    'finished_at',
                    '<=',
                    Math.ceil(d.to + REPAIR_WINDOW_MS),
                  ),
              );
            }
          })),
      );
      incidents.push(
        ...(await tx(TABLES.incident)
          .select(['opened_at', ...serviceColumns])
          .whereNull('cause_deployment_id')
          .whereNull('cause_commit_sha')
          .where(q => {
            for (const d of group) {
              q.orWhere(w =>
                whereService(w, d.service)
                  .where('opened_at', '>=', Math.floor(d.from))
                  .where('opened_at', '<=', Math.ceil(d.to + this.fallbackMs)),
              );
            }
          })),
      );
    }
    // Incidents naming a deployment or one of its SHAs as their cause (each once).
    const naming = new Map<string, any>();
    const shasOf = (e: NormalizedDeployment) => [
      ...new Set([...(e.commits ?? []), ...(e.commitSha ? [e.commitSha] : [])]),
    ];
    // By the two cause indexes alone, whatever the service (filtered below): given the service,
    // the planner reads all of its incidents and filters them, which grows with the history.
    const causes = termGroups(items, d => 1 + shasOf(d.e).length).map(
      group => ({
        ids: [...new Set(group.map(d => d.e.externalId))],
        shas: [...new Set(group.flatMap(d => shasOf(d.e)))],
      }),
    );
    for (const { ids, shas } of causes) {
      const rows = await tx(TABLES.incident)
        .select([
          'source',
          'external_id',
          'opened_at',
          'cause_deployment_id',
          'cause_commit_sha',
          ...serviceColumns,
        ])
        // Each branch states its column is not null, as the partial indexes do: SQLite uses a
        // partial index for a branch of an OR only when that branch implies the index's WHERE.
        .where(q =>
          q
            .whereIn('cause_deployment_id', ids)
            .whereNotNull('cause_deployment_id'),
        )
        .orWhere(q =>
          q.whereIn('cause_commit_sha', shas).whereNotNull('cause_commit_sha'),
        );
      for (const r of rows as any[]) {
        naming.set(`${r.source}\u0000${r.external_id}`, r);
      }
    }
    const rollbacks: any[] = [];
    for (const ids of chunks(
      [...new Set(items.map(d => d.e.externalId))],
      CHUNK,
    )) {
      rollbacks.push(
        ...(await tx(TABLES.rollback)
          .select([
            'rolled_back_deployment_id',
            'rollback_deployment_id',
            ...serviceColumns,
          ])
          .whereIn('rollback_deployment_id', ids)),
      );
    }
    for (const d of items) {
      const reads = found.get(d.e)!;
      reads.fixAfter = fixes.some(
        r =>
          serviceOf(r) === d.service &&
          dbNumber(r.finished_at) > Math.floor(d.from) &&
          dbNumber(r.finished_at) <= Math.ceil(d.to + REPAIR_WINDOW_MS),
      );
      reads.moved = incidents.filter(
        r =>
          serviceOf(r) === d.service &&
          dbNumber(r.opened_at) >= Math.floor(d.from) &&
          dbNumber(r.opened_at) <= Math.ceil(d.to + this.fallbackMs),
      );
      const shas = new Set(shasOf(d.e));
      reads.naming = [...naming.values()].filter(
        r =>
          serviceOf(r) === d.service &&
          (r.cause_deployment_id === d.e.externalId ||
            (r.cause_commit_sha !== null && shas.has(r.cause_commit_sha))),
      );
      reads.performed = rollbacks.filter(
        r =>
          serviceOf(r) === d.service &&
          r.rollback_deployment_id === d.e.externalId,
      );
    }
    return found;
  }

  /**
   * The span a deployment report can change. A regular deployment with a commit list changes
   * itself, the deployments whose incident fallback window it enters or leaves, the later
   * deployments that reported its commits (they no longer ship them first) and the deployments
   * that rollbacks it performed recovered; anything else (hotfixes and rollbacks end failures
   * before them, commit-less deployments infer commits from their neighbours) settles the
   * surrounding days.
   */
  private async addDeploymentSpan(
    tx: Knex.Transaction,
    service: string,
    e: NormalizedDeployment,
    times: number[],
    spans: AffectedSpans,
    reference: (service: string, id: string | undefined) => void,
    commitless: (service: string) => Promise<boolean>,
    preloaded?: NarrowSpanReads,
  ) {
    const from = Math.min(...times);
    const to = Math.max(...times);
    const narrow =
      e.kind === 'regular' &&
      e.commits !== undefined &&
      !service.startsWith('unmapped:') &&
      !(await commitless(service));
    spans.mark(service, narrow);
    if (!narrow) {
      spans.add(service, from - SETTLE_MS, to + SETTLE_MS);
      // The next deployment inferring its commits, however much later, took the commits up to
      // this one's head while it was missing: it gives them back.
      const next = await whereService(
        tx(TABLES.deployment).select('finished_at'),
        service,
      )
        .whereNull('commits')
        .whereNotNull('commit_sha')
        .where('production', true)
        .where('status', 'success')
        .where('finished_at', '>', Math.ceil(to + SETTLE_MS))
        .orderBy('finished_at')
        .first();
      if (next) {
        spans.add(service, Number(next.finished_at), Number(next.finished_at));
      }
      if (e.commits && e.commits.length > 0) {
        // The later deployments inferring their commits that took one it lists while it was
        // missing give it back: every one after it up to the first whose head is at least as
        // new as its newest commit, however much later they finished.
        let newest: number | undefined;
        for (const chunk of chunks(e.commits, CHUNK)) {
          const [row] = await whereService(
            tx(TABLES.change).max({ at: 'committed_at' }),
            service,
          ).whereIn('sha', chunk);
          if (row?.at !== null && row?.at !== undefined) {
            newest = Math.max(newest ?? -Infinity, Number(row.at));
          }
        }
        if (newest !== undefined) {
          await this.addInferenceFollowers(tx, service, from, newest, spans);
        }
      }
      if (!e.commits && e.commitSha) {
        const [head] = await whereService(
          tx(TABLES.change).select('committed_at'),
          service,
        ).where('sha', e.commitSha);
        if (head) {
          await this.addInferenceFollowers(
            tx,
            service,
            from,
            Number(head.committed_at),
            spans,
          );
        }
      }
      if (e.kind !== 'regular') {
        // A fix may end failures of its stream however old: those not recovered before it.
        const open = await tx(FACT_TABLES.facts)
          .select('finished_at')
          .where('service', service)
          .where('stream', e.stream)
          .where('failed', true)
          .where('finished_at', '<', Math.ceil(to))
          .where(q =>
            q
              .whereNull('recovered_at')
              .orWhere('recovered_at', '>', Math.floor(from)),
          );
        for (const f of open as any[]) {
          spans.add(service, Number(f.finished_at), Number(f.finished_at));
        }
      }
      return;
    }
    // A hotfix or rollback deployment up to a week after it now repairs it rather than the
    // regular deployment before it: that one's failure changes.
    const fixAfter = preloaded
      ? preloaded.fixAfter
      : await whereService(tx(TABLES.deployment).select('finished_at'), service)
          .where('production', true)
          .where('status', 'success')
          .whereNot('kind', 'regular')
          .where('finished_at', '>', Math.floor(from))
          .where('finished_at', '<=', Math.ceil(to + REPAIR_WINDOW_MS))
          .first();
    if (fixAfter) {
      spans.add(service, from - REPAIR_WINDOW_MS, to);
    }
    // Incidents without a cause opened up to the fallback window after it may move to it from the
    // deployment before it (or from unlinked): that deployment and those incidents' days change.
    spans.add(service, from, to);
    const moved =
      preloaded?.moved ??
      (await whereService(tx(TABLES.incident).select('opened_at'), service)
        .whereNull('cause_deployment_id')
        .whereNull('cause_commit_sha')
        .where('opened_at', '>=', Math.floor(from))
        .where('opened_at', '<=', Math.ceil(to + this.fallbackMs)));
    if (moved.length > 0) {
      for (const i of moved as any[]) {
        spans.add(service, Number(i.opened_at), Number(i.opened_at));
      }
      const [before] = await whereService(
        tx(TABLES.deployment).max({ at: 'finished_at' }),
        service,
      )
        .where('production', true)
        .where('status', 'success')
        .where('finished_at', '<', Math.floor(from))
        .where('finished_at', '>=', Math.floor(from - this.fallbackMs));
      if (before?.at !== null && before?.at !== undefined) {
        spans.add(service, Number(before.at), from);
      }
    }
    const shas = [
      ...new Set([...e.commits!, ...(e.commitSha ? [e.commitSha] : [])]),
    ];
    for (const later of await this.deploymentsReporting(
      tx,
      service,
      shas,
      from,
      // However much later: a commit counts at its first deployment only.
      Number.MAX_SAFE_INTEGER,
    )) {
      spans.add(service, later.finishedAt, later.finishedAt);
    }
    // Incidents naming it (or one of its commits) as their cause: they were unlinked without it.
    const naming =
      preloaded?.naming ??
      (await whereService(
        tx(TABLES.incident).select('opened_at'),
        service,
      ).where(q => {
        q.where('cause_deployment_id', e.externalId);
        for (const chunk of chunks(shas, CHUNK)) {
          q.orWhereIn('cause_commit_sha', chunk);
        }
      }));
    for (const i of naming as any[]) {
      spans.add(service, Number(i.opened_at), Number(i.opened_at));
    }
    const performed =
      preloaded?.performed ??
      (await whereService(
        tx(TABLES.rollback).select('rolled_back_deployment_id'),
        service,
      ).where('rollback_deployment_id', e.externalId));
    for (const r of performed as any[]) {
      reference(service, r.rolled_back_deployment_id);
    }
  }

  /** Stored rows of the events in a batch, by source and id (their stored service and times). */
  private async previousRows(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ): Promise<Map<string, any>> {
    const found = new Map<string, any>();
    const timeColumn = {
      deployment: 'finished_at',
      change: 'committed_at',
      incident: 'opened_at',
      rollback: 'at',
    } as const;
    for (const type of Object.keys(TABLES) as Array<keyof typeof TABLES>) {
      const keys = events
        .filter(e => e.type === type)
        .map(e => [e.source, e.externalId]);
      for (const chunk of chunks(keys, CHUNK)) {
        const rows = await tx(TABLES[type])
          .select(
            'source',
            'external_id',
            'entity_ref',
            'service_key_type',
            'service_key',
            { time: timeColumn[type] },
          )
          .whereIn(['source', 'external_id'], chunk);
        for (const r of rows as any[]) {
          found.set(`${type}\u0000${r.source}\u0000${r.external_id}`, r);
        }
      }
    }
    return found;
  }

  /** Which services' facts a batch can change, and over which time spans. */
  private async affectedSpans(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
    previous: Map<string, any>,
    base: (e: NormalizedEvent) => {
      entity_ref: string | null;
      service_key_type: string;
      service_key: string;
    },
  ): Promise<AffectedSpans> {
    const spans = new AffectedSpans();
    // Whether a service has commit-less deployments anywhere near the batch (asked once each):
    // their commits are inferred from neighbours, so their events keep the wide spans.
    const times = [
      ...events.map(e => timeOf(e)),
      ...[...previous.values()]
        .filter(r => r.time !== null && r.time !== undefined)
        .map(r => Number(r.time)),
    ];
    const near = Math.min(...times) - 2 * LOOKBACK_MS;
    const commitlessByService = new Map<string, Promise<boolean>>();
    const commitless = (service: string) => {
      let answer = commitlessByService.get(service);
      if (!answer) {
        answer = hasCommitlessDeployments(tx, service, near);
        commitlessByService.set(service, answer);
      }
      return answer;
    };
    const referenced = new Map<string, Set<string>>();
    const reference = (service: string, id: string | undefined) => {
      if (id) {
        referenced.set(service, (referenced.get(service) ?? new Set()).add(id));
      }
    };
    const changesByService = new Map<string, NormalizedChange[]>();
    const deployedShas = new Map<string, Set<string>>();
    const placed = (e: NormalizedEvent) => {
      const stored = previous.get(
        `${e.type}\u0000${e.source}\u0000${e.externalId}`,
      );
      return {
        service: serviceOf(stored ?? base(e)),
        storedTime:
          stored?.time === null || stored?.time === undefined
            ? undefined
            : Number(stored.time),
      };
    };
    const deploymentTimes = (e: NormalizedDeployment, storedTime?: number) =>
      [e.finishedAt ?? e.startedAt, storedTime].filter(
        (t): t is number => t !== undefined,
      );
    // The regular deployments with a commit list (see addDeploymentSpan) get their reads together.
    const narrow: Array<{
      e: NormalizedDeployment;
      service: string;
      times: number[];
    }> = [];
    for (const e of events) {
      if (e.type === 'deployment' && e.kind === 'regular' && e.commits) {
        const { service, storedTime } = placed(e);
        if (!service.startsWith('unmapped:') && !(await commitless(service))) {
          narrow.push({ e, service, times: deploymentTimes(e, storedTime) });
        }
      }
    }
    const narrowReads = await this.preloadNarrowSpans(tx, narrow);
    for (const e of events) {
      const { service, storedTime } = placed(e);
      switch (e.type) {
        case 'deployment':
          for (const sha of [...(e.commits ?? []), e.commitSha ?? []].flat()) {
            deployedShas.set(
              service,
              (deployedShas.get(service) ?? new Set()).add(sha),
            );
          }
          await this.addDeploymentSpan(
            tx,
            service,
            e,
            deploymentTimes(e, storedTime),
            spans,
            reference,
            commitless,
            narrowReads.get(e),
          );
          break;
        case 'change':
          changesByService.set(service, [
            ...(changesByService.get(service) ?? []),
            e,
          ]);
          break;
        case 'incident':
          // Up to a week after: the later rollouts of the release it failed (one release
          // counts once per service, so theirs no longer count as a failed release).
          spans.add(
            service,
            e.openedAt - (e.causeCommitSha ? LOOKBACK_MS : this.fallbackMs),
            Math.max(e.openedAt, storedTime ?? e.openedAt) + RELEASE_SPREAD_MS,
          );
          reference(service, e.causeDeploymentId);
          if (e.causeCommitSha) {
            // The deployment that shipped the cause first finished between its commit and the
            // incident, however long before (inferred, or by ancestry).
            const [cause] = await whereService(
              tx(TABLES.change).select('committed_at'),
              service,
            ).where('sha', e.causeCommitSha);
            if (cause) {
              spans.add(service, Number(cause.committed_at), e.openedAt);
              // Or, by commit time, the first deployment without a commit list whose head is
              // at least as new, however much later.
              const inferring = (await commitless(service))
                ? await firstInferringDeployment(
                    tx,
                    service,
                    Number(cause.committed_at),
                  )
                : undefined;
              if (inferring) {
                // With the later rollouts of its release (see above).
                const at = Number(inferring.finished_at);
                spans.add(service, at, at + RELEASE_SPREAD_MS);
              }
            }
            // The deployments shipping it, however long after the incident they finished: the
            // first of them failed (found through the SHA and range indexes, not by time).
            for (const d of await this.deploymentsReporting(
              tx,
              service,
              await shasPushedWithOrAfter(tx, service, [e.causeCommitSha]),
              0,
              Number.MAX_SAFE_INTEGER,
            )) {
              spans.add(
                service,
                d.finishedAt,
                d.finishedAt + RELEASE_SPREAD_MS,
              );
            }
          }
          break;
        case 'rollback':
          spans.add(service, e.at - SETTLE_MS, e.at);
          reference(service, e.rolledBackDeploymentId);
          reference(service, e.rollbackDeploymentId);
          break;
        default:
      }
    }
    for (const [service, changes] of changesByService) {
      await this.addDeploymentsShipping(
        tx,
        service,
        changes,
        spans,
        commitless,
      );
    }
    // Deployed SHAs now end the trails of later deployments of commits pushed after them.
    for (const [service, shas] of deployedShas) {
      await this.addAncestryDeployments(
        tx,
        service,
        [...shas].map(sha => ({ sha })),
        spans,
      );
    }
    // Deployments named by incidents and rollbacks may lie outside those spans.
    const ids = [...new Set([...referenced.values()].flatMap(set => [...set]))];
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await tx(TABLES.deployment)
        .select(
          'external_id',
          'entity_ref',
          'service_key_type',
          'service_key',
          'finished_at',
        )
        .whereIn('external_id', chunk)
        .whereNotNull('finished_at');
      for (const r of rows as any[]) {
        const service = serviceOf(r);
        if (referenced.get(service)?.has(r.external_id)) {
          // With the later rollouts of its release (see incidents above).
          spans.add(
            service,
            Number(r.finished_at),
            Number(r.finished_at) + RELEASE_SPREAD_MS,
          );
        }
      }
    }
    return spans;
  }

  /** See {@link EventsStore.loadEvents}. */
  loadEvents(options: Parameters<EventsStore['loadEvents']>[0]) {
    return this.events.loadEvents(options);
  }

  /** See {@link FactsStore.loadRollups}. */
  loadRollups(query: Parameters<FactsStore['loadRollups']>[0]) {
    return this.facts.loadRollups(query);
  }

  /** See {@link FactsStore.loadFacts}. */
  loadFacts(query: Parameters<FactsStore['loadFacts']>[0]) {
    return this.facts.loadFacts(query);
  }

  /** See {@link FactsStore.unlinkedIncidentCounts}. */
  unlinkedIncidentCounts(
    query: Parameters<FactsStore['unlinkedIncidentCounts']>[0],
  ) {
    return this.facts.unlinkedIncidentCounts(query);
  }

  /** See {@link EventsStore.failedRollouts}. */
  failedRollouts(query: Parameters<EventsStore['failedRollouts']>[0]) {
    return this.events.failedRollouts(query);
  }

  /** Whether any deployment of the service has been derived. */
  hasFacts(service: string): Promise<boolean> {
    return this.facts.hasFacts(service);
  }

  /** Each mapped component's first successful production deployment (finish time). */
  firstDeployments(): Promise<Array<{ entityRef: string; at: number }>> {
    return this.facts.firstDeployments();
  }

  /**
   * Services (mapped or not) that have ever reported an incident. Only coverage warnings use it, so
   * it is cached for a minute (and dropped when this replica stores an incident).
   */
  async servicesWithIncidents(): Promise<Set<string>> {
    if (
      !this.incidentServices ||
      Date.now() - this.incidentServices.at > INCIDENT_SERVICES_TTL_MS
    ) {
      this.incidentServices = {
        at: Date.now(),
        set: await this.events.servicesWithIncidents(),
      };
    }
    return this.incidentServices.set;
  }

  /** Distinct deploy streams of the given services. */
  streamsOf(
    entityRefs: string[],
  ): Promise<Array<{ service: string; stream: string }>> {
    return this.events.streamsOf(entityRefs);
  }

  /** Service keys that no catalog component claims, with how many events name them. */
  async listUnmapped(): Promise<DoraUnmappedService[]> {
    return (await this.events.listUnmapped()).map(u => ({
      serviceKeyType: u.serviceKeyType,
      service: u.service,
      annotation: ANNOTATION_BY_KEY_TYPE[u.serviceKeyType],
      eventCount: u.eventCount,
      lastSeenAt: u.lastSeenAt,
    }));
  }

  /**
   * Re-resolves service keys, after catalog annotations changed: unmapped events get their entity
   * and events whose component no longer claims them become unmapped. Returns rows changed.
   */
  async remap(resolve: ServiceKeyResolver): Promise<number> {
    this.incidentServices = undefined;
    let changed = 0;
    for (const type of EVENT_TYPES) {
      const keys = await this.events.serviceKeys(type);
      for (const k of keys) {
        const entityRef = resolve(k.service_key_type, k.service_key);
        if (entityRef === k.entity_ref) {
          continue;
        }
        // Both the old and the new service's facts change: derive them again, under their locks.
        const services = [
          serviceOf(k),
          serviceOf({ ...k, entity_ref: entityRef }),
        ];
        changed += await this.db.transaction(async tx => {
          await lockServices(tx, services);
          const updated = await this.events.reassign(tx, type, k, entityRef);
          for (const service of services) {
            await this.deriveWholeService(tx, service);
          }
          return updated;
        });
      }
    }
    return changed;
  }

  private async deriveWholeService(tx: Knex, service: string) {
    const span = await serviceSpan(tx, service);
    if (span) {
      await deriveServiceInChunks(tx, service, span, this.fallbackMs);
    }
  }

  /** See {@link EventsStore.previousDeployedSha}. */
  previousDeployedSha(
    serviceKeyType: DoraServiceKeyType,
    serviceKey: string,
    before: number,
  ): Promise<{ sha: string; finishedAt: number } | undefined> {
    return this.events.previousDeployedSha(serviceKeyType, serviceKey, before);
  }

  /** Row counts per table (tests, demo seeding). */
  counts(): Promise<Record<EventType, number>> {
    return this.events.counts();
  }

  /**
   * Claims a one-off marker; true for exactly one caller across all replicas. The insert and the
   * work it guards share the transaction, so a failed job releases the marker.
   */
  async runOnce(
    name: string,
    job: (tx: DoraStore) => Promise<void>,
  ): Promise<boolean> {
    return runOnce(this.db, MARKERS, name, tx =>
      job(new DoraStore(tx, this.fallbackMs)),
    );
  }
}

/** The time an event is about (a deployment's finish or start, a commit, an opening, a rollback). */
function timeOf(e: NormalizedEvent): number {
  switch (e.type) {
    case 'deployment':
      return e.finishedAt ?? e.startedAt;
    case 'change':
      return e.committedAt;
    case 'incident':
      return e.openedAt;
    default:
      return e.at;
  }
}
