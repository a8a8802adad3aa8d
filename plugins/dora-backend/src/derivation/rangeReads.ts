import { chunks, dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { EventSet, RELEASE_SPREAD_MS, REPAIR_WINDOW_MS } from '../domain';
import {
  changeFromRow,
  deploymentFromRow,
  incidentFromRow,
  reportedShas,
  serviceOf,
  whereService,
} from '../database/eventRows';
import {
  CHANGE_COLUMNS,
  ChangeColumnsRow,
  DEPLOYMENT_COLUMNS,
  DeploymentColumnsRow,
  DeploymentRow,
  FactRow,
  INCIDENT_COLUMNS,
  IncidentColumnsRow,
  IncidentWithServiceRow,
  ROLLBACK_COLUMNS,
  RollbackColumnsRow,
  SERVICE_COLUMNS,
  ServiceKeyRow,
} from '../database/rows';
import { forServiceTerms } from '../database/sql';
import { FACT_TABLES } from '../database/tables';
import {
  addAncestry,
  firstInferringDeployment,
  latestInferredHeadTime,
  shasPushedWithOrAfter,
} from './ancestry';
import {
  changesBySha,
  deploymentIdsReporting,
  deploymentsOf,
  deploymentsOfIds,
  hasCommitlessDeployments,
} from './eventLookups';
import { LOOKBACK_MS } from './lookback';

/*
 * What a range's derivation reads: the service's raw events the facts of the range depend on,
 * per service (`loadServiceEvents`) or, for the first reads, for several services at once
 * (`preloadRanges`).
 */

/** Up to this many commits of a range are looked up by SHA rather than read by period. */
const SHA_LOOKUP_LIMIT = 5000;

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
  incidents: IncidentColumnsRow[],
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
      dbNumber(i.opened_at) >= from &&
      dbNumber(i.opened_at) < depTo,
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
export interface RangeReads {
  incidents: IncidentColumnsRow[];
  rollbacks: RollbackColumnsRow[];
  deployments?: {
    nearFrom: number;
    nearTo: number;
    rows: DeploymentColumnsRow[];
  };
  storedFacts: FactRow[];
}

/** Reads the RangeReads of distinct services' ranges, one statement per kind (and term group). */
export async function preloadRanges(
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
        .where(where)) as IncidentWithServiceRow[]) {
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
        .where(where)) as Array<RollbackColumnsRow & ServiceKeyRow>) {
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
        .where(where)) as Array<DeploymentColumnsRow & ServiceKeyRow>) {
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
        .where(where)) as FactRow[]) {
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
export async function loadServiceEvents(
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
  const incidents: IncidentColumnsRow[] = [
    ...(preloaded?.incidents ??
      (await incidentsOpenedIn(
        whereService(tx('dora_incidents').select(INCIDENT_COLUMNS), service),
        incidentWindow(indexed, { from, to }, fallbackMs),
      ))),
  ];
  const rollbacks: RollbackColumnsRow[] =
    preloaded?.rollbacks ?? (await rollbacksSince(tx, service, depFrom));

  const { nearFrom, nearTo } = nearWindow(
    indexed,
    incidents,
    { from, to },
    fallbackMs,
  );
  const byId = new Map<string, DeploymentColumnsRow>();
  const add = (rows: DeploymentColumnsRow[]) =>
    rows.forEach(r => byId.set(String(r.id), r));
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
      dbNumber(d.finished_at) >= from &&
      (!indexed || dbNumber(d.finished_at) < to)
    ) {
      reportedShas(d).forEach(sha => wanted.add(sha));
    }
  }
  if (indexed) {
    // Deployments named by incidents and rollbacks, the earlier deployments that shipped a
    // commit of the range first, and those that shipped an incident's cause.
    const named = new Set<string>();
    const causes = new Set<string>();
    for (const i of incidents) {
      if (i.cause_deployment_id) named.add(i.cause_deployment_id);
      if (i.cause_commit_sha) causes.add(i.cause_commit_sha);
    }
    for (const r of rollbacks) {
      named.add(r.rolled_back_deployment_id);
      if (r.rollback_deployment_id) named.add(r.rollback_deployment_id);
    }
    for (const chunk of chunks([...named], 500)) {
      // Ids by external id first, through its own index; then by primary key. Given the service
      // and the external ids in one query, SQLite reads the service's whole lookback by its time
      // index (about 5 ms a query at 1,000,000 deployments).
      const ids = (
        await tx('dora_deployments').select('id').whereIn('external_id', chunk)
      ).map((r: Pick<DeploymentRow, 'id'>) => r.id);
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
          d => dbNumber(d.finished_at) >= from && dbNumber(d.finished_at) < to,
        )
        .map(d => d.commit_sha)
        .filter(Boolean),
    );
    const earlierRollouts = loaded
      .filter(
        d =>
          rangeHeads.has(d.commit_sha) &&
          dbNumber(d.finished_at) < nearFrom &&
          dbNumber(d.finished_at) >= from - RELEASE_SPREAD_MS,
      )
      .map(d => dbNumber(d.finished_at));
    if (earlierRollouts.length > 0) {
      const first = Math.min(...earlierRollouts);
      add(
        await deploymentsOf(tx, service)
          .where('finished_at', '>=', first - fallbackMs)
          .where('finished_at', '<', nearFrom),
      );
      // With the incidents a time fallback links to them (opened after the first of them).
      const known = new Set(incidents.map(i => i.external_id));
      for (const r of (await incidentsOpenedIn(
        whereService(tx('dora_incidents').select(INCIDENT_COLUMNS), service),
        { since: first, until: from },
      )) as IncidentColumnsRow[]) {
        if (!known.has(r.external_id)) incidents.push(r);
      }
    }
  }
  const causeHeads = new Set<string>();
  /** Unreported causes of the range's incidents (raw changes): inference ships them. */
  const causeChanges: ChangeColumnsRow[] = [];
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
    const causes = incidents
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
      const unreported = incidents
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
          dbNumber(cause.committed_at),
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
    .map(d => dbNumber(d.finished_at))
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
  const inferring = [...byId.values()].some(d => !d.commits && d.commit_sha);
  let changes: ChangeColumnsRow[];
  let shippedUpTo: number | undefined;
  if (!inferring && (indexed || wanted.size <= SHA_LOOKUP_LIMIT)) {
    // By SHA without a time floor: a lead time longer than the lookback still counts.
    changes = await changesBySha(tx, service, [...wanted], depTo);
    // Deployments inferring their commits long before may have shipped a reported commit, and
    // deployments of later commits one with a range.
    shippedUpTo = await latestInferredHeadTime(tx, service, depFrom);
    if (changes.some(c => c.pushed_head)) {
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
    const have = new Set(changes.map(c => c.sha));
    const older = [...wanted].filter(sha => !have.has(sha));
    if (older.length > 0 && older.length <= SHA_LOOKUP_LIMIT) {
      changes.push(...(await changesBySha(tx, service, older, depTo)));
    }
    // Commits after those that deployments before the lookback listed were shipped by them.
    for (const ids of await deploymentIdsReporting(
      tx,
      changes.map(c => c.sha).filter(sha => !wanted.has(sha)),
    )) {
      add(await deploymentsOfIds(tx, service, ids, depFrom));
    }
    const loaded = new Set(changes.map(c => c.sha));
    changes.push(
      ...(await changesBySha(
        tx,
        service,
        [...causeHeads].filter(sha => !loaded.has(sha)),
        Number.MAX_SAFE_INTEGER,
      )),
    );
    const withHeads = new Set(changes.map(c => c.sha));
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
    deployments: deployments.map(r => deploymentFromRow(r, service)),
    changes: changes.map(r => changeFromRow(r, service)),
    incidents: incidents.map(r => incidentFromRow(r, service)),
    rollbacks: rollbacks.map(r => ({
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
