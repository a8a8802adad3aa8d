import { chunks, dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import {
  analyse,
  Analysis,
  ceilDay,
  DAY_MS,
  dayOf,
  DailyRollup,
  DeploymentFact,
  EventSet,
  extractFacts,
  floorDay,
  RELEASE_SPREAD_MS,
  rollupFacts,
  UnlinkedIncident,
  weeklyRollups,
  weekStartDay,
} from '../domain';
import { whereService } from '../database/eventRows';
import {
  factFromRow,
  factRow,
  rollupFromRow,
  rollupRow,
} from '../database/factRows';
import {
  DbNumber,
  FactRow,
  IncidentWithServiceRow,
  RollupRow,
} from '../database/rows';
import { forServiceTerms, insertChunked } from '../database/sql';
import { FACT_TABLES } from '../database/tables';
import {
  addIncidentsNamingShipped,
  incidentsNaming,
  shasShippedIn,
} from './incidentsNaming';
import { FailureChange, laterRolloutsOfChangedFailures } from './laterRollouts';
import { loadServiceEvents, preloadRanges, RangeReads } from './rangeReads';

/*
 * Deriving a service's facts over a range: read what the range depends on, analyse it, compare
 * the facts with the stored ones and write what changed, with the daily and weekly rollups of the
 * days it touched.
 */

/** Ranges are rebuilt in chunks of this size to bound memory. */
const CHUNK_MS = 90 * DAY_MS;

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
   * The range's deployments that failed or stopped failing: whether a later rollout of their
   * release counts as a failed release depends on it (see `laterRolloutsOfChangedFailures`).
   */
  failureChanged: FailureChange[];
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
  naming: IncidentWithServiceRow[],
  storedFacts?: FactRow[],
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
  const storedRows: FactRow[] =
    storedFacts ??
    (await tx(FACT_TABLES.facts)
      .select('*')
      .where('service', service)
      .where('finished_at', '>=', from)
      .where('finished_at', '<', to));
  for (const r of storedRows) {
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
  const failureChanged: FailureChange[] = [];
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
      const rows: FactRow[] = await tx(FACT_TABLES.facts)
        .select('*')
        .where(where);
      for (const r of rows) {
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
      const rows: RollupRow[] = await tx(FACT_TABLES.rollups)
        .select('*')
        .where(where);
      for (const r of rows) {
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
  const spans: Array<Array<{ min: DbNumber | null; max: DbNumber | null }>> =
    [];
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
    .map(([r]) => r?.min)
    .filter(v => v !== null && v !== undefined)
    .map(v => dbNumber(v));
  const maxs = spans
    .map(([r]) => r?.max)
    .filter(v => v !== null && v !== undefined)
    .map(v => dbNumber(v));
  if (mins.length === 0) {
    return undefined;
  }
  return {
    from: floorDay(Math.min(...mins)),
    to: ceilDay(Math.max(...maxs)),
  };
}
