import { DoraServiceKeyType } from '@internal/plugin-dora-common';
import { chunks, dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { EventSet } from '../domain';
import { NormalizedDeployment, NormalizedEvent } from '../domain/events';
import {
  changeFromRow,
  changeRow,
  deploymentRow,
  DomainChangeRow,
  DomainIncidentRow,
  EventRowBaseValues,
  incidentFromRow,
  incidentRow,
  reportedShas,
  rollbackRow,
  serviceOf,
} from './eventRows';
import { EventsStore, EventType, UnmappedServiceKey } from './EventsStore';
import {
  CHANGE_WITH_SERVICE_COLUMNS,
  DbNumber,
  DeploymentRow,
  RollbackRow,
  ServiceKeyRow,
} from './rows';
import { insertChunked, keepEarliest } from './sql';
import { DEPLOYMENT_SHAS, TABLES } from './tables';

/** Rows per INSERT, well under SQLite's bound-parameter limit. */
const CHUNK = 400;

/** The columns `loadEvents` reads of each table. */
type LoadedDeploymentRow = ServiceKeyRow &
  Pick<
    DeploymentRow,
    | 'external_id'
    | 'stream'
    | 'production'
    | 'status'
    | 'kind'
    | 'commit_sha'
    | 'commits'
    | 'started_at'
    | 'finished_at'
  >;
type LoadedChangeRow = ServiceKeyRow & DomainChangeRow;
type LoadedIncidentRow = ServiceKeyRow & DomainIncidentRow;
type LoadedRollbackRow = ServiceKeyRow &
  Pick<
    RollbackRow,
    | 'external_id'
    | 'rolled_back_deployment_id'
    | 'rollback_deployment_id'
    | 'at'
  >;

/** {@link EventsStore} on the plugin's database (the raw event tables and the SHA index). */
export class DatabaseEventsStore implements EventsStore {
  constructor(private readonly db: Knex) {}

  async upsertEvents(
    tx: Knex.Transaction,
    sorted: NormalizedEvent[],
    base: (e: NormalizedEvent) => EventRowBaseValues,
  ): Promise<void> {
    const of = <T extends NormalizedEvent['type']>(type: T) =>
      sorted.filter(e => e.type === type) as Extract<
        NormalizedEvent,
        { type: T }
      >[];
    for (const rows of chunks(of('deployment'), CHUNK)) {
      await this.upsertDeployments(
        tx,
        rows.map(e => ({ ...base(e), ...deploymentRow(e) })),
      );
      await this.indexShas(
        tx,
        rows.filter(e => e.commits || e.commitSha),
      );
    }
    const excludedRangeFirst =
      '(dora_changes.pushed_head is null or (excluded.pushed_head is not null and (excluded.pushed_head < dora_changes.pushed_head or (excluded.pushed_head = dora_changes.pushed_head and excluded.pushed_before < dora_changes.pushed_before))))';
    const fromFirstRange = (column: string) =>
      tx.raw(
        `case when ${excludedRangeFirst} then excluded.${column} else dora_changes.${column} end`,
      );
    for (const rows of chunks(of('change'), CHUNK)) {
      await tx(TABLES.change)
        .insert(rows.map(e => ({ ...base(e), ...changeRow(e) })))
        .onConflict(['source', 'external_id'])
        .merge({
          committed_at: keepEarliest(tx, 'dora_changes', 'committed_at'),
          authored_at: tx.raw(
            'coalesce(dora_changes.authored_at, excluded.authored_at)',
          ),
          pr_number: tx.raw(
            'coalesce(excluded.pr_number, dora_changes.pr_number)',
          ),
          pr_url: tx.raw('coalesce(excluded.pr_url, dora_changes.pr_url)'),
          // Two ranges listing one commit (a push and a compare) are both true; the same one
          // is kept whatever the delivery order (as `firstRange`).
          pushed_before: fromFirstRange('pushed_before'),
          pushed_head: fromFirstRange('pushed_head'),
          pushed_index: fromFirstRange('pushed_index'),
        });
    }
    for (const rows of chunks(of('incident'), CHUNK)) {
      await tx(TABLES.incident)
        .insert(rows.map(e => ({ ...base(e), ...incidentRow(e) })))
        .onConflict(['source', 'external_id'])
        .merge({
          opened_at: keepEarliest(tx, 'dora_incidents', 'opened_at'),
          resolved_at: tx.raw(
            'coalesce(excluded.resolved_at, dora_incidents.resolved_at)',
          ),
          title: tx.raw('coalesce(excluded.title, dora_incidents.title)'),
          severity: tx.raw(
            'coalesce(excluded.severity, dora_incidents.severity)',
          ),
          cause_deployment_id: tx.raw(
            'coalesce(excluded.cause_deployment_id, dora_incidents.cause_deployment_id)',
          ),
          cause_commit_sha: tx.raw(
            'coalesce(excluded.cause_commit_sha, dora_incidents.cause_commit_sha)',
          ),
        });
    }
    for (const rows of chunks(of('rollback'), CHUNK)) {
      await tx(TABLES.rollback)
        .insert(rows.map(e => ({ ...base(e), ...rollbackRow(e) })))
        .onConflict(['source', 'external_id'])
        .ignore();
    }
  }

  /** Rewrites the SHA index rows of these deployments from what is stored after the upsert. */
  private async indexShas(
    tx: Knex.Transaction,
    events: NormalizedDeployment[],
  ) {
    if (events.length === 0) {
      return;
    }
    const stored: Array<Pick<DeploymentRow, 'id' | 'commit_sha' | 'commits'>> =
      await tx(TABLES.deployment)
        .select('id', 'commit_sha', 'commits')
        .whereIn(
          ['source', 'external_id'],
          events.map(e => [e.source, e.externalId]),
        );
    await tx(DEPLOYMENT_SHAS)
      .whereIn(
        'deployment_id',
        stored.map(r => r.id),
      )
      .delete();
    await insertChunked(
      tx,
      DEPLOYMENT_SHAS,
      stored.flatMap(r =>
        reportedShas(r).map(sha => ({ deployment_id: r.id, sha })),
      ),
    );
  }

  private async upsertDeployments(
    tx: Knex.Transaction,
    rows: Record<string, unknown>[],
  ) {
    // The same rule as mergeReports, so any delivery order ends in the same row: the newer report
    // (a later status, or the same status finishing later) gives status, kind and finish; the
    // earliest start is kept; commit, commits and version come from the newer report when it has
    // them, else from the older one. A report never moves a deployment back to an earlier status.
    const newer =
      '(excluded.status_rank > dora_deployments.status_rank or (excluded.status_rank = dora_deployments.status_rank and coalesce(excluded.finished_at, 0) > coalesce(dora_deployments.finished_at, 0)))';
    const fromNewer = (column: string) =>
      tx.raw(
        `case when ${newer} then excluded.${column} else dora_deployments.${column} end`,
      );
    const preferNewer = (column: string) =>
      tx.raw(
        `case when ${newer} then coalesce(excluded.${column}, dora_deployments.${column}) else coalesce(dora_deployments.${column}, excluded.${column}) end`,
      );
    await tx(TABLES.deployment)
      .insert(rows)
      .onConflict(['source', 'external_id'])
      .merge({
        status: fromNewer('status'),
        status_rank: fromNewer('status_rank'),
        kind: fromNewer('kind'),
        finished_at: fromNewer('finished_at'),
        started_at: keepEarliest(tx, 'dora_deployments', 'started_at'),
        commit_sha: preferNewer('commit_sha'),
        commits: preferNewer('commits'),
        version: preferNewer('version'),
      });
  }

  async loadEvents(options: {
    entityRefs?: string[];
    from: number;
    to: number;
    lookbackMs: number;
  }): Promise<EventSet> {
    const { entityRefs, from, to, lookbackMs } = options;
    const scoped = (q: Knex.QueryBuilder) =>
      entityRefs
        ? q.whereIn('entity_ref', entityRefs.length ? entityRefs : [''])
        : q;
    const [deployments, changes, incidents, rollbacks]: [
      LoadedDeploymentRow[],
      LoadedChangeRow[],
      LoadedIncidentRow[],
      LoadedRollbackRow[],
    ] = await Promise.all([
      scoped(
        this.db(TABLES.deployment)
          .select(
            'external_id',
            'entity_ref',
            'service_key_type',
            'service_key',
            'stream',
            'production',
            'status',
            'kind',
            'commit_sha',
            'commits',
            'started_at',
            'finished_at',
          )
          .where('finished_at', '>=', from - lookbackMs)
          .where('finished_at', '<', to)
          .where('production', true)
          // Failed rollouts are counted beside the successful deployments.
          .whereIn('status', ['success', 'failure']),
      ),
      scoped(
        this.db(TABLES.change)
          .select(CHANGE_WITH_SERVICE_COLUMNS)
          .where('committed_at', '>=', from - 2 * lookbackMs)
          .where('committed_at', '<', to),
      ),
      scoped(
        this.db(TABLES.incident)
          .select(
            'external_id',
            'entity_ref',
            'service_key_type',
            'service_key',
            'opened_at',
            'resolved_at',
            'cause_deployment_id',
            'cause_commit_sha',
          )
          .where('opened_at', '>=', from - lookbackMs),
      ),
      scoped(
        this.db(TABLES.rollback)
          .select(
            'external_id',
            'entity_ref',
            'service_key_type',
            'service_key',
            'rolled_back_deployment_id',
            'rollback_deployment_id',
            'at',
          )
          .where('at', '>=', from - lookbackMs),
      ),
    ]);
    return {
      deployments: deployments.map(r => ({
        id: r.external_id,
        service: serviceOf(r),
        stream: r.stream,
        production: Boolean(r.production),
        status: r.status,
        kind: r.kind,
        startedAt: dbNumber(r.started_at),
        finishedAt: dbNumberOrNull(r.finished_at),
        commitSha: r.commit_sha ?? undefined,
        commits: r.commits ? JSON.parse(r.commits) : undefined,
      })),
      changes: changes.map(r => changeFromRow(r, serviceOf(r))),
      incidents: incidents.map(r => incidentFromRow(r, serviceOf(r))),
      rollbacks: rollbacks.map(r => ({
        id: r.external_id,
        service: serviceOf(r),
        rolledBackDeploymentId: r.rolled_back_deployment_id,
        rollbackDeploymentId: r.rollback_deployment_id ?? undefined,
        at: dbNumber(r.at),
      })),
    };
  }

  async streamsOf(
    entityRefs: string[],
  ): Promise<Array<{ service: string; stream: string }>> {
    const rows: Array<ServiceKeyRow & { stream: string }> = await this.db(
      TABLES.deployment,
    )
      .distinct('entity_ref', 'service_key_type', 'service_key', 'stream')
      .whereIn('entity_ref', entityRefs.length ? entityRefs : [''])
      .where('production', true);
    return rows.map(r => ({ service: serviceOf(r), stream: r.stream }));
  }

  async listUnmapped(): Promise<UnmappedServiceKey[]> {
    const byKey = new Map<string, UnmappedServiceKey>();
    for (const table of Object.values(TABLES)) {
      const rows: Array<
        Omit<ServiceKeyRow, 'entity_ref'> & { count: DbNumber; last: DbNumber }
      > = await this.db(table)
        .select('service_key_type', 'service_key')
        .count({ count: '*' })
        .max({ last: 'received_at' })
        .whereNull('entity_ref')
        .groupBy('service_key_type', 'service_key');
      for (const r of rows) {
        const k = `${r.service_key_type}\u0000${r.service_key}`;
        const existing = byKey.get(k);
        const last = dbNumber(r.last);
        byKey.set(k, {
          serviceKeyType: r.service_key_type,
          service: r.service_key,
          eventCount: (existing?.eventCount ?? 0) + dbNumber(r.count),
          lastSeenAt: new Date(
            Math.max(last, existing ? Date.parse(existing.lastSeenAt) : 0),
          ).toISOString(),
        });
      }
    }
    return [...byKey.values()].sort((a, b) => b.eventCount - a.eventCount);
  }

  async previousDeployedSha(
    serviceKeyType: DoraServiceKeyType,
    serviceKey: string,
    before: number,
  ): Promise<{ sha: string; finishedAt: number } | undefined> {
    const row: Pick<DeploymentRow, 'commit_sha' | 'finished_at'> | undefined =
      await this.db(TABLES.deployment)
        .select('commit_sha', 'finished_at')
        .where({ service_key_type: serviceKeyType, service_key: serviceKey })
        .where('production', true)
        .where('status', 'success')
        .whereNotNull('commit_sha')
        .where('finished_at', '<', Math.ceil(before))
        .orderBy('finished_at', 'desc')
        .first();
    return row
      ? { sha: row.commit_sha!, finishedAt: Number(row.finished_at) }
      : undefined;
  }

  async counts(): Promise<Record<EventType, number>> {
    const result = {} as Record<EventType, number>;
    for (const [type, table] of Object.entries(TABLES)) {
      const [{ count }] = await this.db(table).count({ count: '*' });
      result[type as EventType] = dbNumber(count);
    }
    return result;
  }

  async serviceKeys(type: EventType): Promise<ServiceKeyRow[]> {
    return this.db(TABLES[type]).distinct(
      'service_key_type',
      'service_key',
      'entity_ref',
    );
  }

  async reassign(
    tx: Knex.Transaction,
    type: EventType,
    k: ServiceKeyRow,
    entityRef: string | null,
  ): Promise<number> {
    return tx(TABLES[type])
      .where({
        service_key_type: k.service_key_type,
        service_key: k.service_key,
      })
      .modify(q =>
        k.entity_ref === null
          ? q.whereNull('entity_ref')
          : q.where('entity_ref', k.entity_ref),
      )
      .update({ entity_ref: entityRef });
  }

  async eventServices(): Promise<string[]> {
    const services = new Set<string>();
    for (const table of [TABLES.deployment, TABLES.incident]) {
      const rows: ServiceKeyRow[] = await this.db(table).distinct(
        'entity_ref',
        'service_key_type',
        'service_key',
      );
      rows.forEach(r => services.add(serviceOf(r)));
    }
    return [...services].sort();
  }

  async servicesWithIncidents(): Promise<Set<string>> {
    const rows: ServiceKeyRow[] = await this.db(TABLES.incident).distinct(
      'entity_ref',
      'service_key_type',
      'service_key',
    );
    return new Set(rows.map(serviceOf));
  }

  async failedRollouts(query: {
    services?: string[];
    stream?: string;
    from: number;
    to: number;
  }): Promise<Array<{ service: string; stream: string; count: number }>> {
    // The status as a literal, so both databases use the partial index on failures.
    const rows: Array<ServiceKeyRow & { stream: string; count: DbNumber }> =
      await this.db(TABLES.deployment)
        .select('entity_ref', 'service_key_type', 'service_key', 'stream')
        .count({ count: '*' })
        .whereRaw("status = 'failure'")
        .where('production', true)
        .where('finished_at', '>=', query.from)
        .where('finished_at', '<', query.to)
        .modify(q => {
          if (query.stream !== undefined) {
            q.where('stream', query.stream);
          }
        })
        .groupBy('entity_ref', 'service_key_type', 'service_key', 'stream');
    const wanted = query.services && new Set(query.services);
    return rows
      .map(r => ({
        service: serviceOf(r),
        stream: String(r.stream),
        count: dbNumber(r.count),
      }))
      .filter(r => !wanted || wanted.has(r.service));
  }
}
