import { chunks } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { Analysis, Deployment, EventSet, Incident } from '../domain';
import {
  deploymentFromRow,
  incidentFromRow,
  serviceOf,
} from '../database/eventRows';
import {
  DeploymentColumnsRow,
  DeploymentRow,
  INCIDENT_COLUMNS,
  IncidentWithServiceRow,
  SERVICE_COLUMNS,
} from '../database/rows';
import { deploymentsOf } from './eventLookups';

/*
 * Incidents naming a deployment or a commit make the deployment that shipped it failed, however
 * long before or after it they opened: a range's derivation reads them by what it shipped.
 */

/** The SHAs a deployment of the range reports or ships: an incident naming one makes it failed. */
export function shasShippedIn(
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
export async function incidentsNaming(
  tx: Knex,
  shas: Iterable<string>,
  deploymentIds: Iterable<string>,
): Promise<IncidentWithServiceRow[]> {
  const rows: IncidentWithServiceRow[] = [];
  const seen = new Set<string>();
  const keep = (found: IncidentWithServiceRow[]) => {
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
export async function addIncidentsNamingShipped(
  tx: Knex,
  service: string,
  events: EventSet,
  range: { shipped: Set<string>; named: Set<string> },
  naming: IncidentWithServiceRow[],
): Promise<Incident[]> {
  const known = new Set(events.incidents.map(i => i.id));
  const added: Incident[] = [];
  for (const r of naming) {
    if (
      ((r.cause_commit_sha !== null && range.shipped.has(r.cause_commit_sha)) ||
        (r.cause_deployment_id !== null &&
          range.named.has(r.cause_deployment_id))) &&
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
    ).map((r: Pick<DeploymentRow, 'id'>) => r.id);
    if (ids.length > 0) {
      const rows: DeploymentColumnsRow[] = await deploymentsOf(
        tx,
        service,
      ).whereIn('id', ids);
      for (const r of rows) {
        events.deployments.push(deploymentFromRow(r, service));
      }
    }
  }
  return added;
}
