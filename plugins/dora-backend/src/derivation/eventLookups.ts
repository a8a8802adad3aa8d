import { chunks, dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { IngestReads } from '../database/IngestReads';
import { serviceOf, whereService } from '../database/eventRows';
import {
  CHANGE_WITH_SERVICE_COLUMNS,
  ChangeWithServiceRow,
  DEPLOYMENT_COLUMNS,
  DeploymentColumnsRow,
  DeploymentShaRow,
} from '../database/rows';
import { DEPLOYMENT_SHAS } from '../database/tables';
import { ANCESTRY_ROUNDS } from './lookback';

/*
 * The raw-row lookups a range's derivation and the planning of a batch share: by service, by id
 * and by SHA, answered from the ingest's reads (`IngestReads`) when they hold the answer.
 */

/** Successful production deployments of a service (raw rows). */
export function deploymentsOf(tx: Knex, service: string) {
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
export async function deploymentsOfIds(
  tx: Knex,
  service: string,
  ids: string[],
  before?: number,
): Promise<DeploymentColumnsRow[]> {
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
export async function changesBySha(
  tx: Knex,
  service: string,
  shas: string[],
  to: number,
): Promise<ChangeWithServiceRow[]> {
  const changes: ChangeWithServiceRow[] = [];
  const keep = (r: ChangeWithServiceRow) => {
    if (serviceOf(r) === service && dbNumber(r.committed_at) < to) {
      changes.push(r);
    }
  };
  const reads = IngestReads.of(tx);
  const { rows: cached, unknown } = reads
    ? reads.changes(shas)
    : { rows: [], unknown: shas };
  cached.forEach(keep);
  for (const chunk of chunks(unknown, 500)) {
    const rows: ChangeWithServiceRow[] = await tx('dora_changes')
      .select(CHANGE_WITH_SERVICE_COLUMNS)
      .whereIn('sha', chunk);
    rows.forEach(keep);
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
): Promise<ChangeWithServiceRow[][]> {
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

/**
 * The changes of `service` push ranges show came after `shas`: those pushed onto one of them, then
 * those pushed onto those, up to ANCESTRY_ROUNDS ranges forward; each once, in the order found,
 * `shas` themselves excluded.
 */
export async function changesPushedAfter(
  tx: Knex,
  service: string,
  shas: Iterable<string>,
): Promise<ChangeWithServiceRow[]> {
  const seen = new Set(shas);
  const found: ChangeWithServiceRow[] = [];
  let frontier = [...seen];
  for (let round = 0; round < ANCESTRY_ROUNDS && frontier.length > 0; round++) {
    const next: string[] = [];
    for (const rows of await changesPushedOnto(tx, frontier)) {
      for (const r of rows) {
        if (serviceOf(r) === service && !seen.has(r.sha)) {
          seen.add(r.sha);
          next.push(r.sha);
          found.push(r);
        }
      }
    }
    frontier = next;
  }
  return found;
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
    const rows: Array<Pick<DeploymentShaRow, 'deployment_id'>> = await tx(
      DEPLOYMENT_SHAS,
    )
      .distinct('deployment_id')
      .whereIn('sha', chunk);
    for (const r of rows) {
      ids.add(String(r.deployment_id));
    }
  }
  return [...chunks([...ids], 500)];
}
