import { chunks, dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import {
  analyse,
  Analysis,
  DAY_MS,
  dayOf,
  DailyRollup,
  Deployment,
  DeploymentFact,
  EventSet,
  extractFacts,
  Incident,
  RELEASE_SPREAD_MS,
  REPAIR_WINDOW_MS,
  rollupFacts,
  UnlinkedIncident,
  weeklyRollups,
  weekStartDay,
} from '../domain';
import { IngestReads } from './IngestReads';
import {
  CHANGE_COLUMNS,
  CHANGE_WITH_SERVICE_COLUMNS,
  DEPLOYMENT_COLUMNS,
  SERVICE_COLUMNS,
} from '../database/rows';
import {
  changeFromRow,
  deploymentFromRow,
  incidentFromRow,
  reportedShas,
  serviceOf,
} from '../database/eventRows';
import {
  factFromRow,
  factRow,
  rollupFromRow,
  rollupRow,
} from '../database/factRows';
import { insertChunked, isPostgres } from '../database/sql';
import { DEPLOYMENT_SHAS, FACT_TABLES } from '../database/tables';

/**
 * How far before a range deployments (and twice that for commits) are read to know which commits
 * already shipped and which deployment an unlinked incident falls back to.
 */
export const LOOKBACK_MS = 30 * DAY_MS;
/**
 * How far around an ingested event the facts of its service are derived again: a deployment can
 * take commits from, or lend a fix to, deployments up to this far away. Effects further out are
 * caught by the periodic reconciliation (`DoraStore.reconcile`).
 */
export const SETTLE_MS = 7 * DAY_MS;
/** Up to this many commits of a range are looked up by SHA rather than read by period. */
const SHA_LOOKUP_LIMIT = 5000;
/** Ranges are rebuilt in chunks of this size to bound memory. */
const CHUNK_MS = 90 * DAY_MS;

/** Restricts a raw event query to one domain service (the inverse of `serviceOf`). */
export function whereService(q: Knex.QueryBuilder, service: string) {
  if (service.startsWith('unmapped:')) {
    const rest = service.slice('unmapped:'.length);
    const at = rest.indexOf(':');
    return q
      .whereNull('entity_ref')
      .where('service_key_type', rest.slice(0, at))
      .where('service_key', rest.slice(at + 1));
  }
  return q.where('entity_ref', service);
}

export const floorDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
export const ceilDay = (t: number) => floorDay(t) + DAY_MS;

/**
 * Time spans per service whose facts must be derived again. A service is derived over the
 * day-aligned union of its spans, unless it is marked precise (every deployment near it lists its
 * commits, so facts do not depend on where a derived range starts): then each group of overlapping
 * spans is derived on its own, to the millisecond.
 */
export class AffectedSpans {
  private readonly spans = new Map<
    string,
    Array<{ from: number; to: number }>
  >();
  private readonly precise = new Set<string>();
  private readonly coarse = new Set<string>();

  add(service: string, from: number, to: number) {
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      return;
    }
    const list = this.spans.get(service) ?? [];
    list.push({ from: Math.floor(from), to: Math.ceil(to) });
    this.spans.set(service, list);
  }

  /** Marks whether a service's spans may be derived separately (`coarse` wins over `precise`). */
  mark(service: string, precise: boolean) {
    (precise ? this.precise : this.coarse).add(service);
  }

  services(): string[] {
    return [...this.spans.keys()].sort();
  }

  /** The [from, to) ranges to derive for a service, in time order. */
  ranges(service: string): Array<{ from: number; to: number }> {
    const list = [...(this.spans.get(service) ?? [])].sort(
      (a, b) => a.from - b.from,
    );
    if (list.length === 0) {
      return [];
    }
    if (!this.precise.has(service) || this.coarse.has(service)) {
      return [
        {
          from: floorDay(Math.min(...list.map(x => x.from))),
          to: ceilDay(Math.max(...list.map(x => x.to))),
        },
      ];
    }
    const merged: Array<{ from: number; to: number }> = [];
    for (const { from, to } of list) {
      const last = merged[merged.length - 1];
      if (last && from <= last.to) {
        last.to = Math.max(last.to, to + 1);
      } else {
        merged.push({ from, to: to + 1 });
      }
    }
    return merged;
  }
}

/**
 * Takes transaction-scoped locks on services, in a stable order, so two replicas deriving facts of
 * one service wait for each other (PostgreSQL; SQLite serialises write transactions anyway).
 */
export async function lockServices(tx: Knex.Transaction, services: string[]) {
  if (!isPostgres(tx)) {
    return;
  }
  if (services.length === 0) {
    return;
  }
  // One statement for the whole batch (a round trip each cost ~0.5 ms per service): the function
  // scan hands out the sorted array's elements in order, so every caller locks in the same order.
  await tx.raw(
    'select count(pg_advisory_xact_lock(?, hashtext(s))) from unnest(?::text[]) as s',
    [20261122, [...new Set(services)].sort()],
  );
}

/**
 * How many ranges back from a deployed SHA the loader follows pushes whose commits were not read
 * with the period (a trail longer than this falls back to commit times).
 */
export const ANCESTRY_ROUNDS = 20;

const INCIDENT_COLUMNS = [
  'external_id',
  'opened_at',
  'resolved_at',
  'cause_deployment_id',
  'cause_commit_sha',
];

/** Successful production deployments of a service (raw rows). */
function deploymentsOf(tx: Knex, service: string) {
  return whereService(
    tx('dora_deployments').select(DEPLOYMENT_COLUMNS),
    service,
  )
    .where('production', true)
    .where('status', 'success');
}

/**
 * Successful production deployments of a service among `ids` (from `deploymentIdsReporting`),
 * finished before `before` when given; from the ingest's reads when they hold every id.
 */
async function deploymentsOfIds(
  tx: Knex,
  service: string,
  ids: string[],
  before?: number,
): Promise<any[]> {
  const cached = IngestReads.of(tx)?.deployments(
    service,
    ids,
    before === undefined ? undefined : at => at < before,
  );
  if (cached) {
    return cached;
  }
  return deploymentsOf(tx, service)
    .whereIn('id', ids)
    .modify(q =>
      before === undefined ? q : q.where('finished_at', '<', before),
    );
}

/**
 * Whether the service has a successful production deployment without a commit list but with a
 * head SHA (its commits are inferred from commit times) finished at or after `since`.
 */
export async function hasCommitlessDeployments(
  tx: Knex,
  service: string,
  since: number,
  until = Number.MAX_SAFE_INTEGER,
): Promise<boolean> {
  const cached = IngestReads.of(tx)?.hasCommitless(service, since, until);
  if (cached !== undefined) {
    return cached;
  }
  const row = await whereService(tx('dora_deployments').select('id'), service)
    .whereNull('commits')
    .whereNotNull('commit_sha')
    .where('production', true)
    .where('status', 'success')
    .where('finished_at', '>=', Math.floor(since))
    .where('finished_at', '<', Math.ceil(until))
    .first();
  return row !== undefined;
}

/**
 * Commit times by SHA (those of the service committed before `to`), looked up through the SHA
 * index alone: given the service too, SQLite prefers the (service, time) index and reads the
 * service's whole period.
 */
async function changesBySha(
  tx: Knex,
  service: string,
  shas: string[],
  to: number,
): Promise<any[]> {
  const changes: any[] = [];
  const keep = (r: any) => {
    if (serviceOf(r) === service && Number(r.committed_at) < to) {
      changes.push(r);
    }
  };
  const reads = IngestReads.of(tx);
  const { rows: cached, unknown } = reads
    ? reads.changes(shas)
    : { rows: [], unknown: shas };
  cached.forEach(keep);
  for (const chunk of chunks(unknown, 500)) {
    const rows = await tx('dora_changes')
      .select(CHANGE_WITH_SERVICE_COLUMNS)
      .whereIn('sha', chunk);
    (rows as any[]).forEach(keep);
  }
  return changes;
}

/**
 * Changes (any service) whose push range starts at one of these SHAs, in groups as read (the
 * ingest's reads first, then chunks of at most 500).
 */
export async function changesPushedOnto(
  tx: Knex,
  shas: string[],
): Promise<any[][]> {
  const reads = IngestReads.of(tx);
  const { rows: cached, unknown } = reads
    ? reads.changesPushedOnto(shas)
    : { rows: [], unknown: shas };
  const groups = [cached];
  for (const chunk of chunks(unknown, 500)) {
    groups.push(
      await tx('dora_changes')
        .select(CHANGE_WITH_SERVICE_COLUMNS)
        .whereIn('pushed_before', chunk),
    );
  }
  return groups;
}

/** Ids of the deployments (any service) reporting any of these SHAs, in chunks of at most 500. */
export async function deploymentIdsReporting(
  tx: Knex,
  shas: string[],
): Promise<string[][]> {
  const reads = IngestReads.of(tx);
  const { ids: cached, unknown } = reads
    ? reads.deploymentIds(shas)
    : { ids: [], unknown: shas };
  const ids = new Set<string>(cached);
  for (const chunk of chunks([...new Set(unknown)], 500)) {
    for (const r of await tx(DEPLOYMENT_SHAS)
      .distinct('deployment_id')
      .whereIn('sha', chunk)) {
      ids.add(String(r.deployment_id));
    }
  }
  return [...chunks([...ids], 500)];
}

/** Whether the derivation may find a service's earlier deployments through the SHA index. */
async function isIndexed(
  tx: Knex,
  service: string,
  depFrom: number,
): Promise<boolean> {
  return (
    !service.startsWith('unmapped:') &&
    !(await hasCommitlessDeployments(tx, service, depFrom))
  );
}

const ROLLBACK_COLUMNS = [
  'external_id',
  'rolled_back_deployment_id',
  'rollback_deployment_id',
  'at',
];

/**
 * The incidents a range's derivation reads by time: with the SHA index, those opened in the range
 * or its fallback window after (the only ones a time fallback can link to its deployments, and the
 * range's unlinked ones); incidents opened earlier or later that name one of its deployments or
 * commits are read through the cause indexes instead (`incidentsNaming`). Without the index, the
 * whole lookback, as inferred commits need.
 */
function incidentWindow(
  indexed: boolean,
  range: { from: number; to: number },
  fallbackMs: number,
): { since: number; until?: number } {
  return indexed
    ? { since: range.from, until: range.to + fallbackMs }
    : { since: range.from - LOOKBACK_MS };
}

function incidentsOpenedIn(
  q: Knex.QueryBuilder,
  window: { since: number; until?: number },
) {
  return q
    .where('opened_at', '>=', window.since)
    .modify(w =>
      window.until === undefined ? w : w.where('opened_at', '<', window.until),
    );
}

async function rollbacksSince(tx: Knex, service: string, since: number) {
  return whereService(
    tx('dora_rollbacks').select(ROLLBACK_COLUMNS),
    service,
  ).where('at', '>=', since);
}

/**
 * The deployments read in full: with the SHA index, those of the range and, when an incident
 * without a cause falls into or just after it, the fallback window on either side; else the
 * whole lookback.
 */
function nearWindow(
  indexed: boolean,
  incidents: any[],
  range: { from: number; to: number },
  fallbackMs: number,
): { nearFrom: number; nearTo: number } {
  const { from, to } = range;
  const depTo = to + fallbackMs;
  if (!indexed) {
    return { nearFrom: from - LOOKBACK_MS, nearTo: depTo };
  }
  const fallbackNeeded = incidents.some(
    i =>
      !i.cause_deployment_id &&
      !i.cause_commit_sha &&
      Number(i.opened_at) >= from &&
      Number(i.opened_at) < depTo,
  );
  return fallbackNeeded
    ? { nearFrom: from - fallbackMs, nearTo: depTo }
    : { nearFrom: from, nearTo: to };
}

/** Deployments finished in [nearFrom, nearTo), and hotfixes and rollbacks after `nearFrom`. */
function nearDeployments(
  q: Knex.QueryBuilder,
  nearFrom: number,
  nearTo: number,
) {
  return (
    q
      .where('finished_at', '>=', nearFrom)
      // Later hotfix and rollback deployments may end a failure inside the range.
      .where(w =>
        w.where('finished_at', '<', nearTo).orWhereNot('kind', 'regular'),
      )
  );
}

/**
 * What several services' derivations read first, read for all of them in a few statements
 * (`preloadRanges`): the same rows the per-service queries of `loadServiceEvents` and
 * `planDerive` return.
 */
interface RangeReads {
  incidents: any[];
  rollbacks: any[];
  deployments?: { nearFrom: number; nearTo: number; rows: any[] };
  storedFacts: any[];
}

/** Reads the RangeReads of distinct services' ranges, one statement per kind (and term group). */
async function preloadRanges(
  tx: Knex,
  pieces: Array<{ service: string; range: { from: number; to: number } }>,
  fallbackMs: number,
): Promise<Map<string, RangeReads>> {
  const reads = new Map<string, RangeReads>(
    pieces.map(p => [
      p.service,
      { incidents: [], rollbacks: [], storedFacts: [] },
    ]),
  );
  const since = (p: (typeof pieces)[number]) => p.range.from - LOOKBACK_MS;
  const indexed = new Map<string, boolean>();
  for (const p of pieces) {
    indexed.set(p.service, await isIndexed(tx, p.service, since(p)));
  }
  await forServiceTerms(
    pieces,
    () => 5,
    async where => {
      for (const r of (await tx('dora_incidents')
        .select([...INCIDENT_COLUMNS, ...SERVICE_COLUMNS])
        .where(where)) as any[]) {
        reads.get(serviceOf(r))?.incidents.push(r);
      }
    },
    (q, p) =>
      incidentsOpenedIn(
        whereService(q, p.service),
        incidentWindow(indexed.get(p.service)!, p.range, fallbackMs),
      ),
  );
  await forServiceTerms(
    pieces,
    () => 4,
    async where => {
      for (const r of (await tx('dora_rollbacks')
        .select([...ROLLBACK_COLUMNS, ...SERVICE_COLUMNS])
        .where(where)) as any[]) {
        reads.get(serviceOf(r))?.rollbacks.push(r);
      }
    },
    (q, p) => whereService(q, p.service).where('at', '>=', since(p)),
  );
  const windows: Array<{ service: string; nearFrom: number; nearTo: number }> =
    [];
  for (const p of pieces) {
    const window = nearWindow(
      indexed.get(p.service)!,
      reads.get(p.service)!.incidents,
      p.range,
      fallbackMs,
    );
    reads.get(p.service)!.deployments = { ...window, rows: [] };
    windows.push({ service: p.service, ...window });
  }
  await forServiceTerms(
    windows,
    () => 6,
    async where => {
      for (const r of (await tx('dora_deployments')
        .select([...DEPLOYMENT_COLUMNS, ...SERVICE_COLUMNS])
        .where('production', true)
        .where('status', 'success')
        .where(where)) as any[]) {
        reads.get(serviceOf(r))?.deployments?.rows.push(r);
      }
    },
    (q, w) => nearDeployments(whereService(q, w.service), w.nearFrom, w.nearTo),
  );
  await forServiceTerms(
    pieces,
    () => 3,
    async where => {
      for (const r of (await tx(FACT_TABLES.facts)
        .select('*')
        .where(where)) as any[]) {
        reads.get(r.service)?.storedFacts.push(r);
      }
    },
    (q, p) =>
      q
        .where('service', p.service)
        .where('finished_at', '>=', p.range.from)
        .where('finished_at', '<', p.range.to),
  );
  return reads;
}

/**
 * Loads what deriving the facts of `service` in [from, to) needs.
 *
 * What the facts of [from, to) depend on: the deployments from the fallback window before `from`
 * to the fallback window after `to` (incident fallback links), later hotfix and rollback
 * deployments (recovery), deployments named by incidents and rollbacks, and, within the lookback,
 * the earlier deployments that shipped a commit first. When every deployment of the service
 * reports its commit list, those earlier deployments are found through the SHA index
 * (`dora_deployment_shas`) rather than by reading the whole lookback; otherwise (inferred commits
 * depend on every earlier commit) the whole lookback is read. Both give the same facts.
 */
async function loadServiceEvents(
  tx: Knex,
  service: string,
  from: number,
  to: number,
  fallbackMs: number,
  preloaded?: RangeReads,
): Promise<EventSet> {
  const depFrom = from - LOOKBACK_MS;
  const depTo = to + fallbackMs;
  const indexed = await isIndexed(tx, service, depFrom);
  // One after the other: a transaction is one connection.
  const incidents = [
    ...(preloaded?.incidents ??
      (await incidentsOpenedIn(
        whereService(tx('dora_incidents').select(INCIDENT_COLUMNS), service),
        incidentWindow(indexed, { from, to }, fallbackMs),
      ))),
  ];
  const rollbacks =
    preloaded?.rollbacks ?? (await rollbacksSince(tx, service, depFrom));

  const { nearFrom, nearTo } = nearWindow(
    indexed,
    incidents,
    { from, to },
    fallbackMs,
  );
  const byId = new Map<string, any>();
  const add = (rows: any[]) => rows.forEach(r => byId.set(String(r.id), r));
  add(
    preloaded?.deployments?.nearFrom === nearFrom &&
      preloaded.deployments.nearTo === nearTo
      ? preloaded.deployments.rows
      : await nearDeployments(deploymentsOf(tx, service), nearFrom, nearTo),
  );
  const wanted = new Set<string>();
  for (const d of byId.values()) {
    // With the index, only the range's own commits matter (later deployments change no fact of
    // the range); the whole-lookback read keeps every later one as before.
    if (
      Number(d.finished_at) >= from &&
      (!indexed || Number(d.finished_at) < to)
    ) {
      reportedShas(d).forEach(sha => wanted.add(sha));
    }
  }
  if (indexed) {
    // Deployments named by incidents and rollbacks, the earlier deployments that shipped a
    // commit of the range first, and those that shipped an incident's cause.
    const named = new Set<string>();
    const causes = new Set<string>();
    for (const i of incidents as any[]) {
      if (i.cause_deployment_id) named.add(i.cause_deployment_id);
      if (i.cause_commit_sha) causes.add(i.cause_commit_sha);
    }
    for (const r of rollbacks as any[]) {
      named.add(r.rolled_back_deployment_id);
      if (r.rollback_deployment_id) named.add(r.rollback_deployment_id);
    }
    for (const chunk of chunks([...named], 500)) {
      // Ids by external id first, through its own index; then by primary key. Given the service
      // and the external ids in one query, SQLite reads the service's whole lookback by its time
      // index (about 5 ms a query at 1,000,000 deployments).
      const ids = (
        await tx('dora_deployments').select('id').whereIn('external_id', chunk)
      ).map((r: any) => r.id);
      if (ids.length === 0) continue;
      add(
        await deploymentsOf(tx, service)
          .whereIn('id', ids)
          .where('finished_at', '>=', depFrom)
          .where(q =>
            q.where('finished_at', '<', depTo).orWhereNot('kind', 'regular'),
          ),
      );
    }
    const shipping = async (shas: Set<string>, until: number) => {
      // Ids first, through the SHA index; then those deployments by primary key (given the
      // service in one query, SQLite reads the service's whole lookback by its time index).
      for (const ids of await deploymentIdsReporting(tx, [...shas])) {
        // Whatever their age: a commit counts at its first deployment only.
        add(await deploymentsOfIds(tx, service, ids, until));
      }
    };
    await shipping(wanted, nearFrom);
    // Whatever their age, later ones too: an incident naming a commit is attributed to the first
    // deployment that shipped it, however long after the incident it finished.
    await shipping(causes, Number.MAX_SAFE_INTEGER);
    // Whether a repeat rollout's release failed depends on its earlier rollouts and what
    // followed them.
    const loaded = [...byId.values()];
    const rangeHeads = new Set(
      loaded
        .filter(
          d => Number(d.finished_at) >= from && Number(d.finished_at) < to,
        )
        .map(d => d.commit_sha)
        .filter(Boolean),
    );
    const earlierRollouts = loaded
      .filter(
        d =>
          rangeHeads.has(d.commit_sha) &&
          Number(d.finished_at) < nearFrom &&
          Number(d.finished_at) >= from - RELEASE_SPREAD_MS,
      )
      .map(d => Number(d.finished_at));
    if (earlierRollouts.length > 0) {
      const first = Math.min(...earlierRollouts);
      add(
        await deploymentsOf(tx, service)
          .where('finished_at', '>=', first - fallbackMs)
          .where('finished_at', '<', nearFrom),
      );
      // With the incidents a time fallback links to them (opened after the first of them).
      const known = new Set(incidents.map(i => i.external_id));
      for (const r of await incidentsOpenedIn(
        whereService(tx('dora_incidents').select(INCIDENT_COLUMNS), service),
        { since: first, until: from },
      )) {
        if (!known.has(r.external_id)) incidents.push(r);
      }
    }
  }
  const causeHeads = new Set<string>();
  /** Unreported causes of the range's incidents (raw changes): inference ships them. */
  const causeChanges: any[] = [];
  if (!indexed) {
    // The earlier deployments that shipped a commit of the range first, whatever their age, and
    // the service's last deployment before the lookback (its head bounds the ancestry of the
    // range's first deployment).
    for (const ids of await deploymentIdsReporting(tx, [...wanted])) {
      add(await deploymentsOfIds(tx, service, ids, depFrom));
    }
    const previous = await deploymentsOf(tx, service)
      .where('finished_at', '<', depFrom)
      .orderBy('finished_at', 'desc')
      .first();
    if (previous) {
      add([previous]);
    }
    // The deployments that ship an incident's cause, whatever their age: those reporting it or a
    // commit pushed after it (its trail back reaches the cause).
    const causes = (incidents as any[])
      .map(i => i.cause_commit_sha)
      .filter((sha): sha is string => Boolean(sha));
    if (causes.length > 0) {
      for (const ids of await deploymentIdsReporting(
        tx,
        await shasPushedWithOrAfter(tx, service, causes),
      )) {
        add(await deploymentsOf(tx, service).whereIn('id', ids));
      }
      // A cause of an incident of the range neither reported nor reached by ranges goes by
      // commit time, to the first deployment without a commit list whose head was committed no
      // earlier (read with that head). Earlier incidents are linked by the range's own
      // deployments (see `addIncidentsNamingShipped`), later ones change no fact of the range.
      const reported = new Set([...byId.values()].flatMap(reportedShas));
      const unreported = (incidents as any[])
        .filter(
          i =>
            i.cause_commit_sha &&
            !reported.has(i.cause_commit_sha) &&
            Number(i.opened_at) >= from &&
            Number(i.opened_at) < to,
        )
        .map(i => i.cause_commit_sha as string);
      for (const cause of await changesBySha(
        tx,
        service,
        [...new Set(unreported)],
        Number.MAX_SAFE_INTEGER,
      )) {
        const inferring = await firstInferringDeployment(
          tx,
          service,
          Number(cause.committed_at),
        );
        if (inferring) {
          add([inferring]);
          causeHeads.add(inferring.commit_sha);
          // The cause itself too, however late its commit time: without it the analysis finds no
          // deployment shipping it and leaves the incident unlinked.
          causeChanges.push(cause);
        }
      }
    }
  }
  // Which regular deployment a later fix repaired depends on every deployment up to that fix.
  const fixTimes = [...byId.values()]
    .filter(d => d.kind !== 'regular')
    .map(d => Number(d.finished_at))
    .filter(t => t >= nearTo && t <= nearTo + REPAIR_WINDOW_MS);
  if (fixTimes.length > 0) {
    add(
      await deploymentsOf(tx, service)
        .where('finished_at', '>=', nearTo)
        .where('finished_at', '<=', Math.max(...fixTimes)),
    );
  }

  // Commit times: by SHA when every deployment lists its commits (commits no deployment of the
  // range reports change nothing), else every commit after those the earlier deployments
  // inferring their commits took (deployments that infer their commits need the service's
  // commits in time order), with the ranges that led them to their branch.
  const inferring = [...byId.values()].some(
    (d: any) => !d.commits && d.commit_sha,
  );
  let changes: any[];
  let shippedUpTo: number | undefined;
  if (!inferring && (indexed || wanted.size <= SHA_LOOKUP_LIMIT)) {
    // By SHA without a time floor: a lead time longer than the lookback still counts.
    changes = await changesBySha(tx, service, [...wanted], depTo);
    // Deployments inferring their commits long before may have shipped a reported commit, and
    // deployments of later commits one with a range.
    shippedUpTo = await latestInferredHeadTime(tx, service, depFrom);
    if (changes.some((c: any) => c.pushed_head)) {
      await addAncestry(tx, service, changes, [...byId.values()], from, add);
    }
  } else {
    shippedUpTo = await latestInferredHeadTime(tx, service, depFrom);
    changes = await whereService(
      tx('dora_changes').select(CHANGE_COLUMNS),
      service,
    )
      .modify(q =>
        shippedUpTo === undefined
          ? q
          : q.where('committed_at', '>', shippedUpTo),
      )
      .where('committed_at', '<', depTo);
    // Reported commits older than that still have their times.
    const have = new Set(changes.map((c: any) => c.sha));
    const older = [...wanted].filter(sha => !have.has(sha));
    if (older.length > 0 && older.length <= SHA_LOOKUP_LIMIT) {
      changes.push(...(await changesBySha(tx, service, older, depTo)));
    }
    // Commits after those that deployments before the lookback listed were shipped by them.
    for (const ids of await deploymentIdsReporting(
      tx,
      changes.map((c: any) => c.sha).filter(sha => !wanted.has(sha)),
    )) {
      add(await deploymentsOfIds(tx, service, ids, depFrom));
    }
    const loaded = new Set(changes.map((c: any) => c.sha));
    changes.push(
      ...(await changesBySha(
        tx,
        service,
        [...causeHeads].filter(sha => !loaded.has(sha)),
        Number.MAX_SAFE_INTEGER,
      )),
    );
    const withHeads = new Set(changes.map((c: any) => c.sha));
    for (const c of causeChanges) {
      if (!withHeads.has(c.sha)) {
        withHeads.add(c.sha);
        changes.push(c);
      }
    }
    await addAncestry(tx, service, changes, [...byId.values()], from, add);
  }
  const deployments = [...byId.values()];
  return {
    deployments: deployments.map((r: any) => deploymentFromRow(r, service)),
    changes: changes.map((r: any) => changeFromRow(r, service)),
    incidents: incidents.map((r: any) => incidentFromRow(r, service)),
    rollbacks: rollbacks.map((r: any) => ({
      id: r.external_id,
      service,
      rolledBackDeploymentId: r.rolled_back_deployment_id,
      rollbackDeploymentId: r.rollback_deployment_id ?? undefined,
      at: dbNumber(r.at),
    })),
    ...(shippedUpTo === undefined
      ? {}
      : { shippedUpTo: new Map([[service, shippedUpTo]]) }),
  };
}

/**
 * The latest head commit time of the service's deployments without a commit list finished before
 * `before`: timestamp inference had taken every commit up to it by then.
 */
export async function latestInferredHeadTime(
  tx: Knex,
  service: string,
  before: number,
): Promise<number | undefined> {
  // Most services list their commits: one look through the partial index settles it.
  if (!(await hasCommitlessDeployments(tx, service, 0, before))) {
    return undefined;
  }
  const heads = whereService(
    tx('dora_deployments').distinct('commit_sha'),
    service,
  )
    .whereNull('commits')
    .whereNotNull('commit_sha')
    .where('production', true)
    .where('status', 'success')
    .where('finished_at', '<', Math.ceil(before));
  const [row] = await whereService(
    tx('dora_changes').max({ at: 'committed_at' }),
    service,
  ).whereIn('sha', heads);
  return row?.at === null || row?.at === undefined
    ? undefined
    : dbNumber(row.at);
}

/**
 * The first successful production deployment without a commit list, finished at most the lookback
 * before `committedAt` or later, whose head was committed at or after `committedAt`: timestamp
 * inference gives it a commit of that time that no deployment reports (raw row, or undefined).
 */
export async function firstInferringDeployment(
  tx: Knex,
  service: string,
  committedAt: number,
): Promise<any | undefined> {
  const page = 100;
  let cursor = Math.floor(committedAt - LOOKBACK_MS) - 1;
  for (;;) {
    const rows = (await deploymentsOf(tx, service)
      .whereNull('commits')
      .whereNotNull('commit_sha')
      .where('finished_at', '>', cursor)
      .orderBy('finished_at')
      .limit(page)) as any[];
    const heads = new Map<string, number>();
    for (const head of await changesBySha(
      tx,
      service,
      [...new Set(rows.map(r => String(r.commit_sha)))],
      Number.MAX_SAFE_INTEGER,
    )) {
      heads.set(head.sha, Number(head.committed_at));
    }
    const found = rows.find(
      r => (heads.get(r.commit_sha) ?? -1) >= committedAt,
    );
    if (found || rows.length < page) {
      return found;
    }
    cursor = Number(rows[rows.length - 1].finished_at);
  }
}

/**
 * The SHAs whose deployment ships one of `shas`: those SHAs, the commits pushed in the same ranges
 * and, following ranges forward (a range starting at one of them), the commits pushed after them,
 * up to ANCESTRY_ROUNDS ranges. Through the SHA and range indexes.
 */
export async function shasPushedWithOrAfter(
  tx: Knex,
  service: string,
  shas: string[],
): Promise<string[]> {
  const found = new Set(shas);
  const ofService = (rows: any[]) => rows.filter(r => serviceOf(r) === service);
  const readHeads = new Set<string>();
  let heads = new Set<string>();
  for (const chunk of chunks([...found], 500)) {
    for (const r of ofService(
      await tx('dora_changes')
        .select('pushed_head', 'entity_ref', 'service_key_type', 'service_key')
        .whereIn('sha', chunk)
        .whereNotNull('pushed_head'),
    )) {
      heads.add(r.pushed_head);
    }
  }
  for (let round = 0; round < ANCESTRY_ROUNDS && heads.size > 0; round++) {
    heads.forEach(h => readHeads.add(h));
    const added: string[] = [];
    for (const chunk of chunks([...heads], 500)) {
      for (const r of ofService(
        await tx('dora_changes')
          .select('sha', 'entity_ref', 'service_key_type', 'service_key')
          .whereIn('pushed_head', chunk),
      )) {
        if (!found.has(r.sha)) {
          found.add(r.sha);
          added.push(r.sha);
        }
      }
      chunk.forEach(h => {
        if (!found.has(h)) {
          found.add(h);
          added.push(h);
        }
      });
    }
    const next = new Set<string>();
    for (const chunk of chunks(added, 500)) {
      for (const r of ofService(
        await tx('dora_changes')
          .select(
            'pushed_head',
            'entity_ref',
            'service_key_type',
            'service_key',
          )
          .whereIn('pushed_before', chunk),
      )) {
        if (r.pushed_head && !readHeads.has(r.pushed_head)) {
          next.add(r.pushed_head);
        }
      }
    }
    heads = next;
  }
  return [...found];
}

/** The SHAs a deployment of the range reports or ships: an incident naming one makes it failed. */
function shasShippedIn(
  analysis: Analysis,
  range: { from: number; to: number },
): Set<string> {
  const inRange = (d: Deployment) =>
    d.finishedAt !== null &&
    d.finishedAt >= range.from &&
    d.finishedAt < range.to;
  const shas = new Set<string>();
  for (const { change, deployment } of analysis.commitDeployments) {
    if (inRange(deployment)) {
      shas.add(change.sha);
    }
  }
  for (const d of analysis.deployments.filter(inRange)) {
    d.commits?.forEach(sha => shas.add(sha));
    if (d.commitSha) {
      shas.add(d.commitSha);
    }
  }
  return shas;
}

/**
 * The incidents of any service naming one of `shas` or one of the deployments `deploymentIds`
 * (raw rows with their service columns), opened whenever, through the two cause indexes alone
 * (given the service too, SQLite may prefer its time index): one statement per 500 values, so a
 * round of several services reads them together.
 */
async function incidentsNaming(
  tx: Knex,
  shas: Iterable<string>,
  deploymentIds: Iterable<string>,
) {
  const rows: any[] = [];
  const seen = new Set<string>();
  const keep = (found: any[]) => {
    for (const r of found) {
      const key = `${serviceOf(r)}\u0000${r.external_id}`;
      if (!seen.has(key)) {
        seen.add(key);
        rows.push(r);
      }
    }
  };
  for (const [column, values] of [
    ['cause_commit_sha', shas],
    ['cause_deployment_id', deploymentIds],
  ] as const) {
    for (const chunk of chunks([...new Set(values)], 500)) {
      keep(
        await tx('dora_incidents')
          .select([...INCIDENT_COLUMNS, ...SERVICE_COLUMNS])
          .whereIn(column, chunk),
      );
    }
  }
  return rows;
}

/**
 * Adds to `events` the incidents of `naming` (see `incidentsNaming`), opened whenever, of this
 * service that name one of `shipped` or of `named` (and the deployments they name): they make that
 * deployment failed, however long before or after it they opened. Returns the ones added.
 */
async function addIncidentsNamingShipped(
  tx: Knex,
  service: string,
  events: EventSet,
  range: { shipped: Set<string>; named: Set<string> },
  naming: any[],
): Promise<Incident[]> {
  const known = new Set(events.incidents.map(i => i.id));
  const added: Incident[] = [];
  for (const r of naming) {
    if (
      (range.shipped.has(r.cause_commit_sha) ||
        range.named.has(r.cause_deployment_id)) &&
      serviceOf(r) === service &&
      !known.has(r.external_id)
    ) {
      known.add(r.external_id);
      added.push(incidentFromRow(r, service));
    }
  }
  if (added.length === 0) {
    return added;
  }
  events.incidents.push(...added);
  const loaded = new Set(events.deployments.map(d => d.id));
  const named = [
    ...new Set(
      added
        .map(i => i.causeDeploymentId)
        .filter((id): id is string => id !== undefined && !loaded.has(id)),
    ),
  ];
  for (const chunk of chunks(named, 500)) {
    const ids = (
      await tx('dora_deployments').select('id').whereIn('external_id', chunk)
    ).map((r: any) => r.id);
    if (ids.length > 0) {
      for (const r of await deploymentsOf(tx, service).whereIn('id', ids)) {
        events.deployments.push(deploymentFromRow(r, service));
      }
    }
  }
  return added;
}

/**
 * Adds to `changes` what following push ranges back from the deployed heads needs: every commit a
 * range listed (whatever its commit time) and the range before it, until a SHA a deployment before
 * `from` reported, the branch's creation, a commit without a range, or ANCESTRY_ROUNDS ranges
 * back; and the deployments reporting a SHA on the way.
 */
async function addAncestry(
  tx: Knex,
  service: string,
  changes: any[],
  deployments: any[],
  from: number,
  add: (rows: any[]) => void,
) {
  const bySha = new Map<string, any>(changes.map((c: any) => [c.sha, c]));
  const deployedHeads = new Set(
    deployments
      .filter((d: any) => Number(d.finished_at) < from)
      .flatMap((d: any) => reportedShas(d)),
  );
  const added: string[] = [];
  const addRows = (rows: any[]) => {
    for (const r of rows) {
      if (!bySha.has(r.sha)) {
        bySha.set(r.sha, r);
        changes.push(r);
        added.push(r.sha);
      }
    }
  };
  const rangesRead = new Set<string>();
  let trail = deployments
    .filter((d: any) => !d.commits && d.commit_sha)
    .map((d: any) => d.commit_sha as string);
  const visited = new Set<string>();
  for (let round = 0; round < ANCESTRY_ROUNDS && trail.length > 0; round++) {
    trail.forEach(sha => visited.add(sha));
    addRows(
      await changesBySha(
        tx,
        service,
        trail.filter(sha => !bySha.has(sha)),
        // Whatever their commit time (a skewed clock): ancestry says they are in.
        Number.MAX_SAFE_INTEGER,
      ),
    );
    const heads = [
      ...new Set(
        trail
          .map(sha => bySha.get(sha)?.pushed_head)
          .filter((h): h is string => Boolean(h) && !rangesRead.has(h)),
      ),
    ];
    for (const chunk of chunks(heads, 500)) {
      chunk.forEach(h => rangesRead.add(h));
      const rows = await tx('dora_changes')
        .select(CHANGE_WITH_SERVICE_COLUMNS)
        .whereIn('pushed_head', chunk);
      addRows((rows as any[]).filter(r => serviceOf(r) === service));
    }
    trail = [
      ...new Set(
        trail
          .map(sha => bySha.get(sha)?.pushed_before as string | undefined)
          .filter(
            (before): before is string =>
              before !== undefined &&
              !/^0+$/.test(before) &&
              !deployedHeads.has(before) &&
              !visited.has(before),
          ),
      ),
    ];
    // A range starting at a SHA a deployment before the range reported ends the trail there, as
    // it does in a derivation that read that deployment anyway.
    for (const ids of await deploymentIdsReporting(tx, trail)) {
      const rows = await deploymentsOfIds(tx, service, ids);
      add(rows);
      for (const r of rows as any[]) {
        if (Number(r.finished_at) < from) {
          reportedShas(r).forEach(sha => deployedHeads.add(sha));
        }
      }
    }
    trail = trail.filter(sha => !deployedHeads.has(sha));
  }
  // Commits ranges show came after those: a deployment before the range reporting one of them
  // shipped what its trail reached, so they are read with it.
  const heads = deployments
    .filter((d: any) => !d.commits && d.commit_sha)
    .map((d: any) => d.commit_sha as string);
  let frontier = [
    ...new Set([
      ...heads,
      ...changes.filter((c: any) => c.pushed_head).map((c: any) => c.sha),
    ]),
  ];
  const seen = new Set(frontier);
  const later: string[] = [];
  for (let round = 0; round < ANCESTRY_ROUNDS && frontier.length > 0; round++) {
    const next: string[] = [];
    for (const rows of await changesPushedOnto(tx, frontier)) {
      for (const r of rows) {
        if (serviceOf(r) === service && !seen.has(r.sha)) {
          seen.add(r.sha);
          next.push(r.sha);
          addRows([r]);
        }
      }
    }
    later.push(...next);
    frontier = next;
  }
  // The deployments that reported a commit found on the way shipped it (however long ago).
  for (const ids of await deploymentIdsReporting(tx, [...added, ...later])) {
    add(await deploymentsOfIds(tx, service, ids));
  }
}

/**
 * Derives the facts, unlinked incidents and daily rollups of one service for the day-aligned range
 * [from, to) from its raw events, replacing what was stored there. Callers hold the service's lock
 * (`lockServices`) inside the same transaction, so the result does not depend on the order or
 * concurrency of ingests.
 */
export async function deriveService(
  tx: Knex,
  service: string,
  range: { from: number; to: number },
  fallbackMs: number,
): Promise<void> {
  await writeDerived(tx, [await planDerive(tx, service, range, fallbackMs)]);
}

/** What deriving one service over one range writes: the facts that changed and the days they touch. */
interface DerivePlan {
  service: string;
  range: { from: number; to: number };
  facts: DeploymentFact[];
  unlinked: UnlinkedIncident[];
  inserts: ReturnType<typeof factRow>[];
  deletes: string[];
  changedDays: Set<number>;
  /**
   * The releases (head SHA) of the range's deployments that failed or stopped failing, and when:
   * whether a later rollout of one counts as a failed release depends on it.
   */
  failureChanged: Array<{ head: string; at: number }>;
}

/** A service's range read and analysed, before the incidents naming what it shipped are added. */
interface LoadedRange {
  service: string;
  range: { from: number; to: number };
  events: EventSet;
  analysis: Analysis;
  shipped: Set<string>;
  /**
   * The ids of its deployments an incident naming makes failed, or makes an earlier rollout of a
   * range's release failed: those finished in the range or the release spread before it.
   */
  named: Set<string>;
}

async function loadRange(
  tx: Knex,
  service: string,
  range: { from: number; to: number },
  fallbackMs: number,
  preloaded?: RangeReads,
): Promise<LoadedRange> {
  const events = await loadServiceEvents(
    tx,
    service,
    range.from,
    range.to,
    fallbackMs,
    preloaded,
  );
  const analysis = analyse(events, fallbackMs);
  return {
    service,
    range,
    events,
    analysis,
    shipped: shasShippedIn(analysis, range),
    named: new Set(
      events.deployments
        .filter(
          d =>
            d.finishedAt !== null &&
            d.finishedAt >= range.from - RELEASE_SPREAD_MS &&
            d.finishedAt < range.to,
        )
        .map(d => d.id),
    ),
  };
}

/** Reads what a service's range needs, derives its facts and compares them with the stored ones. */
async function planDerive(
  tx: Knex,
  service: string,
  range: { from: number; to: number },
  fallbackMs: number,
): Promise<DerivePlan> {
  const loaded = await loadRange(tx, service, range, fallbackMs);
  return completePlan(
    tx,
    loaded,
    fallbackMs,
    await incidentsNaming(tx, loaded.shipped, loaded.named),
  );
}

/**
 * Adds the incidents naming what the range shipped (`naming`, see `incidentsNaming`), derives the
 * range's facts and compares them with the stored ones.
 */
async function completePlan(
  tx: Knex,
  loaded: LoadedRange,
  fallbackMs: number,
  naming: any[],
  storedFacts?: any[],
): Promise<DerivePlan> {
  const { service, range, events } = loaded;
  const { from, to } = range;
  let analysis = loaded.analysis;
  const namingShipped = await addIncidentsNamingShipped(
    tx,
    service,
    events,
    loaded,
    naming,
  );
  if (namingShipped.length > 0) {
    analysis = analyse(events, fallbackMs);
  }
  // Incidents opened outside the range and linked to one of its deployments (by id, naming a
  // commit it ships, or by the fallback window) are linked whatever else the history holds: not
  // unlinked, whichever of their days was derived first (a late head commit can make a deployment
  // ship the commit an incident names days after it).
  const linkedOutside: string[] = [];
  for (const [incident, { deployment }] of analysis.incidentLinks) {
    if (
      (incident.openedAt < from || incident.openedAt >= to) &&
      deployment.finishedAt !== null &&
      deployment.finishedAt >= from &&
      deployment.finishedAt < to
    ) {
      linkedOutside.push(incident.id);
    }
  }
  for (const chunk of chunks(linkedOutside, 500)) {
    await tx(FACT_TABLES.unlinked)
      .where('service', service)
      .whereIn('incident_id', chunk)
      .delete();
  }
  const { facts, unlinked } = extractFacts(analysis, range);

  // Only facts that changed are written, and only the days and weeks they fall on are summed
  // again: a new deployment usually changes itself and a neighbour, not the whole range.
  const stored = new Map<
    string,
    { row: string; day: number; failed: boolean }
  >();
  for (const r of storedFacts ??
    (await tx(FACT_TABLES.facts)
      .select('*')
      .where('service', service)
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to))) {
    const fact = factFromRow(r);
    stored.set(fact.id, {
      row: JSON.stringify(factRow(fact)),
      day: Math.floor(fact.finishedAt / DAY_MS),
      failed: fact.failed,
    });
  }
  const changedDays = new Set<number>();
  const inserts: ReturnType<typeof factRow>[] = [];
  const deletes: string[] = [];
  const heads = new Map(
    events.deployments.map(d => [d.id, d.commitSha] as const),
  );
  const failureChanged: DerivePlan['failureChanged'] = [];
  for (const fact of facts) {
    const row = factRow(fact);
    const before = stored.get(fact.id);
    stored.delete(fact.id);
    if (before?.row === JSON.stringify(row)) {
      continue;
    }
    const head = heads.get(fact.id);
    if (head && (before?.failed ?? false) !== fact.failed) {
      failureChanged.push({ head, at: fact.finishedAt });
    }
    if (before) {
      deletes.push(fact.id);
      changedDays.add(before.day);
    }
    inserts.push(row);
    changedDays.add(row.day);
  }
  for (const [id, before] of stored) {
    deletes.push(id);
    changedDays.add(before.day);
  }
  return {
    service,
    range,
    facts,
    unlinked,
    inserts,
    deletes,
    changedDays,
    failureChanged,
  };
}

/**
 * The later rollouts (other streams, up to RELEASE_SPREAD_MS after) of the releases whose first
 * rollouts' failure the plans changed, outside the ranges `derived` already covers, as day ranges
 * by service: whether each counts as a failed release depends on that failure, whatever event
 * changed it (a fix or incident reported late, a late deployment taking over a repair, a late
 * commit). Found through the SHA index.
 */
async function laterRolloutsOfChangedFailures(
  tx: Knex,
  plans: DerivePlan[],
  derived: (service: string, at: number) => boolean,
): Promise<Map<string, Array<{ from: number; to: number }>>> {
  const changed = plans.filter(p => p.failureChanged.length > 0);
  const found = new Map<string, Array<{ from: number; to: number }>>();
  if (changed.length === 0) {
    return found;
  }
  const ids = await deploymentIdsReporting(
    tx,
    changed.flatMap(p => p.failureChanged.map(f => f.head)),
  );
  for (const plan of changed) {
    for (const group of ids) {
      for (const r of await deploymentsOfIds(tx, plan.service, group)) {
        const at = dbNumber(r.finished_at);
        const later = plan.failureChanged.some(
          f =>
            r.commit_sha === f.head &&
            at > f.at &&
            at <= f.at + RELEASE_SPREAD_MS,
        );
        if (later && !derived(plan.service, at)) {
          const ranges = found.get(plan.service) ?? [];
          if (!ranges.some(x => at >= x.from && at < x.to)) {
            ranges.push({ from: floorDay(at), to: ceilDay(at) });
          }
          found.set(plan.service, ranges);
        }
      }
    }
  }
  return found;
}

/**
 * Runs one statement for several services: `term` restricts it to one service (and more), the
 * terms are joined with OR (each one an index lookup on both databases), as many per statement as
 * stay under TERMS_PER_STATEMENT terms and BINDINGS_PER_STATEMENT bound values (`bindings`).
 */
async function forServiceTerms<T>(
  items: T[],
  bindings: (item: T) => number,
  run: (where: (q: Knex.QueryBuilder) => void) => Promise<unknown>,
  term: (q: Knex.QueryBuilder, item: T) => void,
): Promise<void> {
  for (const group of termGroups(items, bindings)) {
    await run(q => {
      for (const item of group) {
        q.orWhere(w => term(w, item));
      }
    });
  }
}

/** SQLite nests OR terms one level each, and allows 1,000 levels of expression depth. */
const TERMS_PER_STATEMENT = 200;
/** Under SQLite's 32,766 bound values (and PostgreSQL's 65,535). */
const BINDINGS_PER_STATEMENT = 10_000;

/** Consecutive groups of `items` within both statement limits (an item alone always fits). */
export function termGroups<T>(
  items: readonly T[],
  bindings: (item: T) => number,
  limits = { terms: TERMS_PER_STATEMENT, bindings: BINDINGS_PER_STATEMENT },
): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let used = 0;
  for (const item of items) {
    const cost = bindings(item);
    if (
      group.length > 0 &&
      (group.length >= limits.terms || used + cost > limits.bindings)
    ) {
      groups.push(group);
      group = [];
      used = 0;
    }
    group.push(item);
    used += cost;
  }
  if (group.length > 0) {
    groups.push(group);
  }
  return groups;
}

/**
 * Writes the plans of distinct services (their derived rows never overlap), in a few statements
 * for all of them: replaces the changed facts and the ranges' unlinked incidents, then sums the
 * changed days and their weeks again.
 */
async function writeDerived(tx: Knex, plans: DerivePlan[]): Promise<void> {
  const deleting = plans.flatMap(p =>
    [...chunks(p.deletes, 500)].map(ids => ({ service: p.service, ids })),
  );
  await forServiceTerms(
    deleting,
    d => 1 + d.ids.length,
    where => tx(FACT_TABLES.facts).where(where).delete(),
    (q, d) => q.where('service', d.service).whereIn('deployment_id', d.ids),
  );
  await insertChunked(
    tx,
    FACT_TABLES.facts,
    plans.flatMap(p => p.inserts),
  );

  await forServiceTerms(
    plans,
    () => 3,
    where => tx(FACT_TABLES.unlinked).where(where).delete(),
    (q, p) =>
      q
        .where('service', p.service)
        .where('opened_at', '>=', p.range.from)
        .where('opened_at', '<', p.range.to),
  );
  await insertChunked(
    tx,
    FACT_TABLES.unlinked,
    plans.flatMap(p =>
      p.unlinked.map((i: UnlinkedIncident) => ({
        service: i.service,
        incident_id: i.id,
        opened_at: i.openedAt,
      })),
    ),
  );

  const changed = plans
    .filter(p => p.changedDays.size > 0)
    .map(p => ({
      plan: p,
      days: [...p.changedDays].sort((a, b) => a - b),
      wholeDays: p.range.from % DAY_MS === 0 && p.range.to % DAY_MS === 0,
    }));
  if (changed.length === 0) {
    return;
  }

  // The changed days are summed from the facts in memory when the range covers whole days, else
  // from the stored facts of those days (just written).
  const dayFacts = new Map<string, DeploymentFact[]>();
  for (const { plan, wholeDays } of changed) {
    dayFacts.set(
      plan.service,
      wholeDays
        ? plan.facts.filter(f => plan.changedDays.has(dayOf(f.finishedAt)))
        : [],
    );
  }
  const partial = changed
    .filter(c => !c.wholeDays)
    .flatMap(c =>
      [...chunks(c.days, 500)].map(days => ({
        service: c.plan.service,
        days,
      })),
    );
  await forServiceTerms(
    partial,
    d => 1 + 2 * d.days.length,
    async where => {
      const rows = await tx(FACT_TABLES.facts).select('*').where(where);
      for (const r of rows as any[]) {
        dayFacts.get(r.service)?.push(factFromRow(r));
      }
    },
    (q, { service, days }) =>
      q.where('service', service).where(w => {
        for (const day of days) {
          w.orWhere(d =>
            d
              .where('finished_at', '>=', day * DAY_MS)
              .where('finished_at', '<', (day + 1) * DAY_MS),
          );
        }
      }),
  );
  const dayChunks = changed.flatMap(c =>
    [...chunks(c.days, 500)].map(days => ({ service: c.plan.service, days })),
  );
  await forServiceTerms(
    dayChunks,
    d => 1 + d.days.length,
    where => tx(FACT_TABLES.rollups).where(where).delete(),
    (q, { service, days }) => q.where('service', service).whereIn('day', days),
  );
  await insertChunked(
    tx,
    FACT_TABLES.rollups,
    changed.flatMap(c =>
      rollupFacts(dayFacts.get(c.plan.service) ?? []).map(rollupRow),
    ),
  );

  // The weeks of those days, summed again from their daily rollups.
  const weekChunks = changed.flatMap(c =>
    [...chunks([...new Set(c.days.map(weekStartDay))], 500)].map(weeks => ({
      service: c.plan.service,
      weeks,
    })),
  );
  const daily = new Map<string, DailyRollup[]>();
  await forServiceTerms(
    weekChunks,
    w => 1 + 2 * w.weeks.length,
    async where => {
      const rows = await tx(FACT_TABLES.rollups).select('*').where(where);
      for (const r of rows as any[]) {
        const list = daily.get(r.service) ?? [];
        list.push(rollupFromRow(r));
        daily.set(r.service, list);
      }
    },
    (q, { service, weeks }) =>
      q.where('service', service).where(w => {
        for (const week of weeks) {
          w.orWhere(d =>
            d.where('day', '>=', week).where('day', '<', week + 7),
          );
        }
      }),
  );
  await forServiceTerms(
    weekChunks,
    w => 1 + w.weeks.length,
    where => tx(FACT_TABLES.weekly).where(where).delete(),
    (q, { service, weeks }) =>
      q.where('service', service).whereIn('day', weeks),
  );
  await insertChunked(
    tx,
    FACT_TABLES.weekly,
    changed.flatMap(c =>
      weeklyRollups(daily.get(c.plan.service) ?? []).map(rollupRow),
    ),
  );
}

/**
 * Derives several services' ranges (each service's in time order, as `deriveServiceInChunks`
 * would) in rounds: a round plans the next range of every service, then writes them together.
 * Callers hold the services' locks.
 */
export async function deriveServicesInRounds(
  tx: Knex,
  work: Array<{ service: string; ranges: Array<{ from: number; to: number }> }>,
  fallbackMs: number,
): Promise<void> {
  const queues = new Map(
    work.map(({ service, ranges }) => [
      service,
      { next: 0, pieces: ranges.flatMap(range => chunkRange(range)) },
    ]),
  );
  const derived = (service: string, at: number) =>
    (queues.get(service)?.pieces ?? []).some(r => at >= r.from && at < r.to);
  for (;;) {
    const pieces = [...queues]
      .filter(([, q]) => q.next < q.pieces.length)
      .map(([service, q]) => ({ service, range: q.pieces[q.next++] }));
    if (pieces.length === 0) {
      break;
    }
    const preloaded = await preloadRanges(tx, pieces, fallbackMs);
    const loaded: LoadedRange[] = [];
    for (const { service, range } of pieces) {
      loaded.push(
        await loadRange(tx, service, range, fallbackMs, preloaded.get(service)),
      );
    }
    const naming = await incidentsNaming(
      tx,
      loaded.flatMap(l => [...l.shipped]),
      loaded.flatMap(l => [...l.named]),
    );
    const plans: DerivePlan[] = [];
    for (const l of loaded) {
      plans.push(
        await completePlan(
          tx,
          l,
          fallbackMs,
          naming,
          preloaded.get(l.service)?.storedFacts,
        ),
      );
    }
    await writeDerived(tx, plans);
    // Derived in a later round, after the ranges already queued.
    for (const [service, ranges] of await laterRolloutsOfChangedFailures(
      tx,
      plans,
      derived,
    )) {
      const queue = queues.get(service) ?? { next: 0, pieces: [] };
      queue.pieces.push(...ranges);
      queues.set(service, queue);
    }
  }
}

/** A range in pieces of at most CHUNK_MS (bounded memory for long histories). */
function chunkRange(range: { from: number; to: number }) {
  const pieces: Array<{ from: number; to: number }> = [];
  for (let start = range.from; start < range.to; start += CHUNK_MS) {
    pieces.push({ from: start, to: Math.min(range.to, start + CHUNK_MS) });
  }
  return pieces;
}

/** Derives a range in chunks (bounded memory for long histories). */
export async function deriveServiceInChunks(
  tx: Knex,
  service: string,
  range: { from: number; to: number },
  fallbackMs: number,
): Promise<void> {
  for (let start = range.from; start < range.to; start += CHUNK_MS) {
    await deriveService(
      tx,
      service,
      { from: start, to: Math.min(range.to, start + CHUNK_MS) },
      fallbackMs,
    );
  }
}

/** The whole time span of a service's events, day-aligned, or undefined when it has none. */
export async function serviceSpan(
  tx: Knex,
  service: string,
): Promise<{ from: number; to: number } | undefined> {
  const spans = [];
  for (const query of [
    whereService(
      tx('dora_deployments')
        .min({ min: 'finished_at' })
        .max({ max: 'finished_at' }),
      service,
    ),
    whereService(
      tx('dora_incidents').min({ min: 'opened_at' }).max({ max: 'opened_at' }),
      service,
    ),
    tx(FACT_TABLES.facts)
      .min({ min: 'finished_at' })
      .max({ max: 'finished_at' })
      .where('service', service),
    tx(FACT_TABLES.unlinked)
      .min({ min: 'opened_at' })
      .max({ max: 'opened_at' })
      .where('service', service),
  ]) {
    spans.push(await query);
  }
  const mins = spans
    .map(([r]: any[]) => r?.min)
    .filter(v => v !== null && v !== undefined)
    .map(Number);
  const maxs = spans
    .map(([r]: any[]) => r?.max)
    .filter(v => v !== null && v !== undefined)
    .map(Number);
  if (mins.length === 0) {
    return undefined;
  }
  return {
    from: floorDay(Math.min(...mins)),
    to: ceilDay(Math.max(...maxs)),
  };
}
