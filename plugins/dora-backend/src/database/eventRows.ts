import { dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import {
  Change,
  Deployment,
  DEPLOYMENT_STATUS_RANK,
  Incident,
} from '../domain';
import {
  NormalizedChange,
  NormalizedDeployment,
  NormalizedEvent,
  NormalizedIncident,
  NormalizedRollback,
  ServiceKeyResolver,
} from '../domain/events';
import {
  ChangeColumnsRow,
  DeploymentColumnsRow,
  IncidentColumnsRow,
} from './rows';

/*
 * Mapping between the domain's events and the rows of the raw event tables, both ways. Times are
 * stored as whole milliseconds, commit lists as JSON arrays.
 */

/** The domain's service name for a row: its entity, or a visible placeholder while unmapped. */
export function serviceOf(row: {
  entity_ref: string | null;
  service_key_type: string;
  service_key: string;
}): string {
  return (
    row.entity_ref ?? `unmapped:${row.service_key_type}:${row.service_key}`
  );
}

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

/** The SHAs a raw deployment row reports (commit list and head). */
export function reportedShas(row: {
  commits?: string | null;
  commit_sha?: string | null;
}): string[] {
  return [
    ...new Set([
      ...(row.commits ? (JSON.parse(row.commits) as string[]) : []),
      ...(row.commit_sha ? [row.commit_sha] : []),
    ]),
  ];
}

/** The columns every event row has. */
export function rowBase(resolve: ServiceKeyResolver, receivedAt: number) {
  return (e: NormalizedEvent) => ({
    source: e.source,
    external_id: e.externalId,
    service_key_type: e.serviceKeyType,
    service_key: e.serviceKey,
    entity_ref: resolve(e.serviceKeyType, e.serviceKey),
    received_at: Math.round(receivedAt),
  });
}

/** The columns every event row has, for an event. */
export type EventRowBaseValues = ReturnType<ReturnType<typeof rowBase>>;

/** Stored times are whole milliseconds (bigint columns). */
const roundOrNull = (ms: number | undefined) =>
  ms === undefined ? null : Math.round(ms);

export function deploymentRow(e: NormalizedDeployment) {
  return {
    environment: e.environment,
    stream: e.stream,
    production: e.production,
    status: e.status,
    status_rank: DEPLOYMENT_STATUS_RANK[e.status],
    kind: e.kind,
    version: e.version ?? null,
    commit_sha: e.commitSha ?? null,
    commits: e.commits ? JSON.stringify(e.commits) : null,
    started_at: Math.round(e.startedAt),
    finished_at: roundOrNull(e.finishedAt),
  };
}

export function changeRow(e: NormalizedChange) {
  return {
    sha: e.sha,
    authored_at: roundOrNull(e.authoredAt),
    committed_at: Math.round(e.committedAt),
    pr_number: e.prNumber ?? null,
    pr_url: e.prUrl ?? null,
    pushed_before: e.pushed?.before ?? null,
    pushed_head: e.pushed?.head ?? null,
    pushed_index: e.pushed?.index ?? null,
  };
}

export function incidentRow(e: NormalizedIncident) {
  return {
    title: e.title ?? null,
    severity: e.severity ?? null,
    opened_at: Math.round(e.openedAt),
    resolved_at: roundOrNull(e.resolvedAt),
    cause_deployment_id: e.causeDeploymentId ?? null,
    cause_commit_sha: e.causeCommitSha ?? null,
  };
}

export function rollbackRow(e: NormalizedRollback) {
  return {
    environment: e.environment,
    stream: e.stream,
    rolled_back_deployment_id: e.rolledBackDeploymentId,
    rollback_deployment_id: e.rollbackDeploymentId ?? null,
    at: Math.round(e.at),
  };
}

/** The columns a domain change is read from. */
export type DomainChangeRow = ChangeColumnsRow;

/** The columns a domain incident is read from. */
export type DomainIncidentRow = IncidentColumnsRow;

/** The domain's change for a raw row. */
export function changeFromRow(r: DomainChangeRow, service: string): Change {
  return {
    service,
    sha: r.sha,
    committedAt: dbNumber(r.committed_at),
    ...(r.pushed_head
      ? {
          pushed: {
            // Written together with the head (a range has both ends).
            before: r.pushed_before!,
            head: r.pushed_head,
            index: dbNumber(r.pushed_index),
          },
        }
      : {}),
  };
}

/** The domain's successful production deployment for a raw row. */
export function deploymentFromRow(
  r: Omit<DeploymentColumnsRow, 'id'>,
  service: string,
): Deployment {
  return {
    id: r.external_id,
    service,
    stream: r.stream,
    production: true,
    status: 'success' as const,
    kind: r.kind,
    startedAt: dbNumber(r.started_at),
    finishedAt: dbNumberOrNull(r.finished_at),
    commitSha: r.commit_sha ?? undefined,
    commits: r.commits ? JSON.parse(r.commits) : undefined,
  };
}

/** The domain's incident for a raw row. */
export function incidentFromRow(
  r: DomainIncidentRow,
  service: string,
): Incident {
  return {
    id: r.external_id,
    service,
    openedAt: dbNumber(r.opened_at),
    resolvedAt: dbNumberOrNull(r.resolved_at),
    causeDeploymentId: r.cause_deployment_id ?? undefined,
    causeCommitSha: r.cause_commit_sha ?? undefined,
  };
}
