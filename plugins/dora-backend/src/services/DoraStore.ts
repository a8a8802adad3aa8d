import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DoraServiceKeyType,
  DoraUnmappedService,
} from '@internal/plugin-dora-common';
import { runOnce } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { DAY_MS, HOUR_MS } from '../domain';
import { NormalizedEvent, ServiceKeyResolver } from '../domain/events';
import {
  BackfillJob,
  BackfillJobsStore,
  BackfillStatus,
} from '../database/BackfillJobsStore';
import { DatabaseBackfillJobsStore } from '../database/DatabaseBackfillJobsStore';
import { DatabaseEventsStore } from '../database/DatabaseEventsStore';
import { DatabaseFactsStore } from '../database/DatabaseFactsStore';
import { rowBase, serviceOf } from '../database/eventRows';
import { EVENT_TYPES, EventsStore, EventType } from '../database/EventsStore';
import { FactsStore } from '../database/FactsStore';
import { mergedInKeyOrder } from '../database/mergeReports';
import { migrateDoraDatabase } from '../database/migrations';
import { MARKERS } from '../database/tables';
import { AffectedSpansPlanner } from '../derivation/AffectedSpansPlanner';
import { SERVICE_ANNOTATIONS } from './CatalogServiceMap';
import { batchShas, IngestReads } from '../database/IngestReads';
import {
  deriveServiceInChunks,
  deriveServicesInRounds,
  serviceSpan,
} from '../derivation/deriveFacts';
import { lockServices } from '../derivation/locks';

/** How long the set of services with an incident source is reused. */
const INCIDENT_SERVICES_TTL_MS = 60_000;

/** The annotation a component needs to claim events with this kind of service key. */
export const ANNOTATION_BY_KEY_TYPE: Record<DoraServiceKeyType, string> = {
  entity: 'metadata.name (component:<namespace>/<name>)',
  ...SERVICE_ANNOTATIONS,
};

/**
 * The plugin's data: stores DORA events and keeps the facts derived from them up to date. Each
 * write owns its transaction: it locks the services involved, upserts the events
 * ({@link EventsStore}), plans what they can change ({@link AffectedSpansPlanner}) and derives that
 * again (`derivation/deriveFacts`). Every write is an idempotent upsert keyed by (source, external
 * id), so redeliveries, concurrent duplicates from several replicas and out-of-order reports
 * converge on the same rows.
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
  private readonly planner: AffectedSpansPlanner;
  private incidentServices?: { at: number; set: Set<string> };

  private constructor(
    private readonly db: Knex,
    private readonly fallbackMs: number,
  ) {
    this.events = new DatabaseEventsStore(db);
    this.facts = new DatabaseFactsStore(db);
    this.backfills = new DatabaseBackfillJobsStore(db);
    this.planner = new AffectedSpansPlanner(fallbackMs);
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
      const previous = await this.planner.previousRows(tx, sorted);
      const late = [...new Set([...previous.values()].map(serviceOf))].filter(
        service => !fresh.has(service),
      );
      await lockServices(tx, late);

      await this.events.upsertEvents(tx, sorted, base);
      // What the per-service lookups below would read one service at a time, read for the batch.
      (
        await IngestReads.load(tx, [...fresh, ...late], batchShas(sorted))
      ).attach(tx);

      const spans = await this.planner.affectedSpans(
        tx,
        sorted,
        previous,
        base,
      );
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
