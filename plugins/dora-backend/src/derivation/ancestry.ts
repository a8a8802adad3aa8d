import { chunks, dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { reportedShas, serviceOf, whereService } from '../database/eventRows';
import {
  CHANGE_WITH_SERVICE_COLUMNS,
  ChangeColumnsRow,
  ChangeRow,
  ChangeWithServiceRow,
  DbNumber,
  DeploymentColumnsRow,
  ServiceKeyRow,
} from '../database/rows';
import {
  changesBySha,
  changesPushedAfter,
  deploymentIdsReporting,
  deploymentsOf,
  deploymentsOfIds,
  hasCommitlessDeployments,
} from './eventLookups';
import { ANCESTRY_ROUNDS, LOOKBACK_MS } from './lookback';

/*
 * Which commits a deployment shipped, from the push ranges its head was reached by and from the
 * commit times timestamp inference goes by.
 */

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
  const [row]: Array<{ at: DbNumber | null }> = await whereService(
    tx('dora_changes').max({ at: 'committed_at' }),
    service,
  ).whereIn('sha', heads);
  return row?.at === null || row?.at === undefined
    ? undefined
    : dbNumber(row.at);
}

/** A deployment without a commit list, with the head its commits are inferred up to. */
export type InferringDeploymentRow = DeploymentColumnsRow & {
  commits: null;
  commit_sha: string;
};

/**
 * The first successful production deployment without a commit list, finished at most the lookback
 * before `committedAt` or later, whose head was committed at or after `committedAt`: timestamp
 * inference gives it a commit of that time that no deployment reports (raw row, or undefined).
 */
export async function firstInferringDeployment(
  tx: Knex,
  service: string,
  committedAt: number,
): Promise<InferringDeploymentRow | undefined> {
  const page = 100;
  let cursor = Math.floor(committedAt - LOOKBACK_MS) - 1;
  for (;;) {
    const rows: InferringDeploymentRow[] = await deploymentsOf(tx, service)
      .whereNull('commits')
      .whereNotNull('commit_sha')
      .where('finished_at', '>', cursor)
      .orderBy('finished_at')
      .limit(page);
    const heads = new Map<string, number>();
    for (const head of await changesBySha(
      tx,
      service,
      [...new Set(rows.map(r => String(r.commit_sha)))],
      Number.MAX_SAFE_INTEGER,
    )) {
      heads.set(head.sha, dbNumber(head.committed_at));
    }
    const found = rows.find(
      r => (heads.get(r.commit_sha) ?? -1) >= committedAt,
    );
    if (found || rows.length < page) {
      return found;
    }
    cursor = dbNumber(rows[rows.length - 1].finished_at);
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
  const ofService = <R extends ServiceKeyRow>(rows: R[]) =>
    rows.filter(r => serviceOf(r) === service);
  const readHeads = new Set<string>();
  let heads = new Set<string>();
  for (const chunk of chunks([...found], 500)) {
    for (const r of ofService<ServiceKeyRow & { pushed_head: string }>(
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
      for (const r of ofService<ServiceKeyRow & Pick<ChangeRow, 'sha'>>(
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
      for (const r of ofService<ServiceKeyRow & Pick<ChangeRow, 'pushed_head'>>(
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

/**
 * Adds to `changes` what following push ranges back from the deployed heads needs: every commit a
 * range listed (whatever its commit time) and the range before it, until a SHA a deployment before
 * `from` reported, the branch's creation, a commit without a range, or ANCESTRY_ROUNDS ranges
 * back; and the deployments reporting a SHA on the way.
 */
export async function addAncestry(
  tx: Knex,
  service: string,
  changes: ChangeColumnsRow[],
  deployments: DeploymentColumnsRow[],
  from: number,
  add: (rows: DeploymentColumnsRow[]) => void,
) {
  const bySha = new Map<string, ChangeColumnsRow>(changes.map(c => [c.sha, c]));
  const deployedHeads = new Set(
    deployments
      .filter(d => dbNumber(d.finished_at) < from)
      .flatMap(d => reportedShas(d)),
  );
  const added: string[] = [];
  const addRows = (rows: ChangeColumnsRow[]) => {
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
    .filter(d => !d.commits && d.commit_sha)
    .map(d => d.commit_sha as string);
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
          .filter((h): h is string => !!h && !rangesRead.has(h)),
      ),
    ];
    for (const chunk of chunks(heads, 500)) {
      chunk.forEach(h => rangesRead.add(h));
      const rows: ChangeWithServiceRow[] = await tx('dora_changes')
        .select(CHANGE_WITH_SERVICE_COLUMNS)
        .whereIn('pushed_head', chunk);
      addRows(rows.filter(r => serviceOf(r) === service));
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
      for (const r of rows) {
        if (dbNumber(r.finished_at) < from) {
          reportedShas(r).forEach(sha => deployedHeads.add(sha));
        }
      }
    }
    trail = trail.filter(sha => !deployedHeads.has(sha));
  }
  // Commits ranges show came after those: a deployment before the range reporting one of them
  // shipped what its trail reached, so they are read with it.
  const heads = deployments
    .filter(d => !d.commits && d.commit_sha)
    .map(d => d.commit_sha as string);
  const frontier = [
    ...new Set([
      ...heads,
      ...changes.filter(c => c.pushed_head).map(c => c.sha),
    ]),
  ];
  const laterRows = await changesPushedAfter(tx, service, frontier);
  addRows(laterRows);
  const later = laterRows.map(r => r.sha);
  // The deployments that reported a commit found on the way shipped it (however long ago).
  for (const ids of await deploymentIdsReporting(tx, [...added, ...later])) {
    add(await deploymentsOfIds(tx, service, ids));
  }
}
