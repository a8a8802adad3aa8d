import {
  DatabaseService,
  isDatabaseConflictError,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { runOnce } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import {
  AdoptionEventRecord,
  ComponentRecord,
  compareStrings,
  isProvenanceEvent,
  NpsAnswerRecord,
  PortalRequestFacts,
  splitWindow,
  sumPortalRequestFacts,
  sumTemplateRunFacts,
  TemplateRunFacts,
  TicketRecord,
  UsageBatch,
  Window,
} from '../domain';
import {
  AdoptionStores,
  databaseStoresOn,
  migrateAdoptionDatabase,
} from '../database/AdoptionStores';
import { CollectedRun } from '../database/TemplateRunsStore';
import { SnapshotName } from '../database/StateStore';

/** The newest of each key, in key order, so concurrent writers lock rows in the same order. */
function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map(i => [key(i), i])).values()].sort((a, b) =>
    compareStrings(key(a), key(b)),
  );
}

/**
 * The adoption plugin's data: the stores of each aggregate for plain reads and writes, and the
 * writes that span aggregates, each in one transaction. Every write is an idempotent upsert on a
 * natural key (event id, task id, ticket external id, rollup key), so redeliveries, re-imports
 * and several replicas writing at once converge on the same rows.
 */
export class AdoptionData implements AdoptionStores {
  static async create(options: {
    database: DatabaseService | { getClient(): Promise<Knex> };
    skipMigrations?: boolean;
  }): Promise<AdoptionData> {
    const db = await options.database.getClient();
    const skip =
      options.skipMigrations ??
      ('migrations' in options.database && options.database.migrations?.skip);
    if (!skip) {
      await migrateAdoptionDatabase(db);
    }
    return new AdoptionData(db);
  }

  readonly events: AdoptionStores['events'];
  readonly runs: AdoptionStores['runs'];
  /** Writes to the rollups belong in a transaction: see {@link AdoptionData.insertEvents}. */
  readonly rollups: AdoptionStores['rollups'];
  readonly catalog: AdoptionStores['catalog'];
  readonly tickets: AdoptionStores['tickets'];
  readonly usage: AdoptionStores['usage'];
  readonly nps: AdoptionStores['nps'];
  readonly summaries: AdoptionStores['summaries'];
  readonly state: AdoptionStores['state'];

  private constructor(private readonly db: Knex) {
    const stores = databaseStoresOn(db);
    this.events = stores.events;
    this.runs = stores.runs;
    this.rollups = stores.rollups;
    this.catalog = stores.catalog;
    this.tickets = stores.tickets;
    this.usage = stores.usage;
    this.nps = stores.nps;
    this.summaries = stores.summaries;
    this.state = stores.state;
  }

  private transaction<T>(
    work: (stores: AdoptionStores) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(tx => work(databaseStoresOn(tx)));
  }

  // --- events and template runs ----------------------------------------------------------

  /**
   * Stores events whose id is new; returns how many were new. A repeated id changes nothing. The
   * portal-request rollups of the new events are added in the same transaction, under the rollup
   * lock, so redelivery and concurrent replicas never count an event twice.
   */
  async insertEvents(
    events: AdoptionEventRecord[],
    receivedAt: number = Date.now(),
  ): Promise<number> {
    const unique = uniqueBy(events, e => e.id);
    return this.transaction(async s => {
      await s.rollups.lock();
      const unknown = await s.events.unknownIds(unique.map(e => e.id));
      const fresh = unique.filter(e => unknown.has(e.id));
      if (fresh.length === 0) return 0;
      const historyTaskIds = await s.runs.storedTaskIds(
        fresh
          .filter(e => e.type === 'template-run' && e.taskId !== null)
          .map(e => e.taskId!),
      );
      await s.events.insert(fresh, { receivedAt, historyTaskIds });
      await s.rollups.addPortalRequests(fresh);
      if (fresh.some(isProvenanceEvent)) await s.state.bumpCatalogVersion();
      return fresh.length;
    });
  }

  /**
   * Upserts runs by task id. The daily rollups change by the difference between the stored and
   * the new rows, in the same transaction and under the rollup lock, so a repeated or reordered
   * delivery converges on the rollups a recompute from the rows would give.
   */
  async upsertRuns(runs: CollectedRun[]): Promise<void> {
    const unique = uniqueBy(runs, r => r.taskId);
    await this.transaction(async s => {
      await s.rollups.lock();
      const { replaced, written } = await s.runs.upsert(unique);
      await s.events.markHistoryRuns(unique.map(r => r.taskId));
      await s.rollups.replaceRuns(replaced, written);
    });
  }

  /**
   * Portal requests made in the window: whole days from the daily rollups, the partial days at
   * the edges from the events themselves, so the facts are exact for any window.
   */
  async portalRequestFacts(window: Window): Promise<PortalRequestFacts> {
    const { days, edges } = splitWindow(window);
    return sumPortalRequestFacts(
      await Promise.all([
        ...edges.map(w => this.events.portalRequestFacts(w)),
        ...(days ? [this.rollups.portalRequestFacts(days)] : []),
      ]),
    );
  }

  /**
   * Template runs started in the window: counts per template, week and status; failures per
   * template, step and message; successful runs' durations per bucket. Weeks start on Mondays
   * (UTC), as `weekStart` computes them. Counts and durations of whole days and weeks come from
   * the rollups; failures, few and keyed by free text, always from the rows.
   */
  async templateRunFacts(window: Window): Promise<TemplateRunFacts> {
    const byDay = splitWindow(window, 'day');
    const byWeek = splitWindow(window, 'week');
    const [failures, ...parts] = await Promise.all([
      this.runs.templateRunFacts(window, ['failures']),
      ...byDay.edges.map(w => this.runs.templateRunFacts(w, ['counts'])),
      ...byWeek.edges.map(w => this.runs.templateRunFacts(w, ['durations'])),
      ...(byDay.days ? [this.rollups.runCounts(byDay.days)] : []),
      ...(byWeek.days ? [this.rollups.runDurations(byWeek.days)] : []),
    ]);
    return sumTemplateRunFacts(failures.failures, parts);
  }

  // --- catalog and DORA snapshots --------------------------------------------------------

  /**
   * Replaces the component and template snapshot in one transaction, unless it equals the one
   * stored; returns whether it changed (and so counted as a catalog change).
   */
  async replaceCatalogSnapshot(
    components: ComponentRecord[],
    templates: Map<string, string>,
  ): Promise<boolean> {
    const sortedComponents = [...components].sort((a, b) =>
      compareStrings(a.entityRef, b.entityRef),
    );
    const sortedTemplates = [...templates.entries()].sort((a, b) =>
      compareStrings(a[0], b[0]),
    );
    return this.replaceSnapshot(
      'catalog_snapshot',
      [sortedComponents, sortedTemplates],
      s => s.catalog.replaceCatalog(sortedComponents, sortedTemplates),
    );
  }

  /** Replaces the first deployments unless they equal the stored ones; returns whether they changed. */
  async replaceFirstDeploys(
    firstDeploys: Map<string, number>,
  ): Promise<boolean> {
    const sorted = [...firstDeploys.entries()]
      .map(([ref, at]): [string, number] => [ref, Math.round(at)])
      .sort((a, b) => compareStrings(a[0], b[0]));
    return this.replaceSnapshot('first_deploys', sorted, s =>
      s.catalog.replaceFirstDeploys(sorted),
    );
  }

  /**
   * Runs `write` in a transaction when `content` differs from the snapshot last stored under
   * `name`, records the new fingerprint and counts a catalog change; returns whether it wrote.
   * The fingerprint row is locked (on PostgreSQL), so replicas replacing the same snapshot at
   * once take turns and the second one finds the first one's fingerprint.
   */
  private async replaceSnapshot(
    name: SnapshotName,
    content: unknown,
    write: (stores: AdoptionStores) => Promise<void>,
  ): Promise<boolean> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(content))
      .digest('hex');
    return this.transaction(async s => {
      if ((await s.state.lockSnapshotFingerprint(name)) === fingerprint) {
        return false;
      }
      await write(s);
      await s.state.recordSnapshotFingerprint(name, fingerprint);
      await s.state.bumpCatalogVersion();
      return true;
    });
  }

  // --- tickets, usage, NPS ---------------------------------------------------------------

  /** Upserts tickets by external id; returns how many were new and how many updated. */
  async upsertTickets(
    tickets: TicketRecord[],
    importedAt: number = Date.now(),
  ): Promise<{ inserted: number; updated: number }> {
    const unique = uniqueBy(tickets, t => t.externalId);
    const updated = await this.transaction(s =>
      s.tickets.upsert(unique, importedAt),
    );
    return { inserted: unique.length - updated, updated };
  }

  async recordUsage(batch: UsageBatch): Promise<void> {
    await this.transaction(s => s.usage.record(batch));
  }

  /**
   * Records an answer unless the user answered since `notBefore`: the claim on the prompt row
   * and the answer share a transaction, so two replicas cannot both accept one user's answer.
   */
  async recordNpsAnswer(options: {
    userKey: string;
    storeUserKey: boolean;
    score: number;
    comment: string | null;
    /** When the user answered: the prompt row's time. */
    now: number;
    /** The answer row's time; anonymous answers keep less than `now` (see anonymousAnswerTime). */
    answeredAt?: number;
    notBefore: number;
  }): Promise<void> {
    const { userKey, now, notBefore } = options;
    const alreadyAnswered = () =>
      new ConflictError('You have already answered the survey in this period');
    try {
      await this.transaction(async s => {
        if (!(await s.nps.claimAnswer({ userKey, now, notBefore }))) {
          throw alreadyAnswered();
        }
        await s.nps.insertAnswers([
          {
            userKey: options.storeUserKey ? userKey : null,
            score: options.score,
            comment: options.comment,
            answeredAt: options.answeredAt ?? now,
          },
        ]);
      });
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        throw alreadyAnswered();
      }
      throw error;
    }
  }

  /** Inserts anonymous answers as they are (demo seeding, benchmarks). */
  async insertNpsAnswers(
    answers: Array<NpsAnswerRecord & { comment?: string }>,
  ): Promise<void> {
    await this.nps.insertAnswers(
      answers.map(a => ({
        userKey: null,
        score: a.score,
        comment: a.comment ?? null,
        answeredAt: a.answeredAt,
      })),
    );
  }

  // --- housekeeping ----------------------------------------------------------------------

  /** Row counts per table (tests, demo seeding). */
  async counts(): Promise<Record<string, number>> {
    return {
      adoption_events: await this.events.count(),
      adoption_template_runs: await this.runs.count(),
      adoption_tickets: await this.tickets.count(),
      adoption_usage_views: await this.usage.count(),
      adoption_nps_answers: await this.nps.count(),
    };
  }

  /**
   * Claims a one-off marker; true for exactly one caller across all replicas. The insert and the
   * work it guards share the transaction, so a failed job releases the marker.
   */
  async runOnce(
    name: string,
    job: (tx: AdoptionData) => Promise<void>,
  ): Promise<boolean> {
    return runOnce(this.db, 'adoption_markers', name, tx =>
      job(new AdoptionData(tx)),
    );
  }
}
