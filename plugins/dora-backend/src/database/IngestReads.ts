import { chunks, dbNumberOrNull } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { NormalizedEvent } from '../domain/events';
import {
  CHANGE_WITH_SERVICE_COLUMNS,
  ChangeWithServiceRow,
  DbNumber,
  DEPLOYMENT_COLUMNS,
  DeploymentColumnsRow,
  DeploymentRow,
  DeploymentShaRow,
  SERVICE_COLUMNS,
  ServiceKeyRow,
} from './rows';

/** Columns of a raw deployment kept for the lookups by id (what every caller selects, and more). */
const DEPLOYMENT_ROW_COLUMNS = [
  ...DEPLOYMENT_COLUMNS,
  'production',
  'status',
  ...SERVICE_COLUMNS,
];

/** A cached deployment ({@link DEPLOYMENT_ROW_COLUMNS}). */
type CachedDeploymentRow = DeploymentColumnsRow &
  Pick<DeploymentRow, 'production' | 'status'> &
  ServiceKeyRow;

/** Under SQLite's bound-parameter limit with room for a query's other bindings. */
const LOOKUP_CHUNK = 500;

/**
 * The finish times of one service's successful production deployments without a commit list but
 * with a head SHA (timestamp inference), as far as the questions asked need them.
 */
export interface CommitlessExtent {
  min: number | null;
  max: number | null;
}

/**
 * Whether a service has such a deployment finished in [floor(since), ceil(until)), answered from
 * the earliest and latest finish alone when that decides it; undefined when it does not (a bounded
 * window with deployments on both sides of its start).
 */
export function commitlessWithin(
  extent: CommitlessExtent,
  since: number,
  until: number,
): boolean | undefined {
  const { min, max } = extent;
  if (min === null || max === null) {
    return false;
  }
  const from = Math.floor(since);
  const to = Math.ceil(until);
  if (max < from || min >= to) {
    return false;
  }
  if (min >= from) {
    // Every such deployment finished at or after `from`: the earliest decides.
    return min < to;
  }
  if (max < to) {
    // Every one finished before `to`: the latest decides.
    return max >= from;
  }
  return undefined;
}

/**
 * The SHAs a batch names as commits or deployed heads: the per-service lookups of its ingest
 * start from them (deployments reporting them, their commit times, the ranges pushed onto them).
 */
export function batchShas(events: NormalizedEvent[]): string[] {
  const shas = new Set<string>();
  for (const e of events) {
    if (e.type === 'change') {
      shas.add(e.sha);
    } else if (e.type === 'deployment') {
      e.commits?.forEach(sha => shas.add(sha));
      if (e.commitSha) {
        shas.add(e.commitSha);
      }
    }
  }
  return [...shas];
}

/** Whether a cached raw row belongs to a domain service (the same test as `whereService`). */
function ofService(
  row: {
    entity_ref: string | null;
    service_key_type: string;
    service_key: string;
  },
  service: string,
): boolean {
  const name =
    row.entity_ref ?? `unmapped:${row.service_key_type}:${row.service_key}`;
  return name === service;
}

const successfulProduction = (
  row: Pick<DeploymentRow, 'production' | 'status'>,
) => Boolean(row.production) && row.status === 'success';

/**
 * Raw rows one ingest batch reads again and again, loaded for the whole batch in a few queries
 * after its upserts: the services' commit-less deployments, the SHA index rows of the batch's
 * SHAs, the deployments those rows name, and the changes with (or pushed onto) those SHAs.
 *
 * Why this is exact: inside the ingest transaction nothing writes a raw table after the upserts
 * (deriving writes facts and rollups only), and the services are locked, so every per-service
 * query of the batch would read the same rows. Each lookup answers only what it holds completely
 * (a SHA it loaded, a service it loaded) and says so; the caller queries the rest as before.
 * PostgreSQL pays a round trip per statement, which made a batch of 1,000 events (one query
 * family per service, ~4,500 statements) three times slower than on SQLite.
 */
export class IngestReads {
  private static readonly byTransaction = new WeakMap<Knex, IngestReads>();

  private constructor(
    private readonly commitless: Map<string, CommitlessExtent>,
    private readonly idsBySha: Map<string, string[]>,
    private readonly deploymentsById: Map<string, CachedDeploymentRow>,
    private readonly changesBySha: Map<string, ChangeWithServiceRow[]>,
    private readonly changesByBefore: Map<string, ChangeWithServiceRow[]>,
  ) {}

  /** Loads the rows for these (mapped) services and SHAs, in one query per kind and chunk. */
  static async load(
    tx: Knex,
    services: string[],
    shas: string[],
  ): Promise<IngestReads> {
    const mapped = [...new Set(services)].filter(
      s => !s.startsWith('unmapped:'),
    );
    const commitless = new Map<string, CommitlessExtent>(
      mapped.map(s => [s, { min: null, max: null }]),
    );
    for (const chunk of chunks(mapped, LOOKUP_CHUNK)) {
      const rows = await tx('dora_deployments')
        .select('entity_ref')
        .min({ min: 'finished_at' })
        .max({ max: 'finished_at' })
        .whereIn('entity_ref', chunk)
        .whereNull('commits')
        .whereNotNull('commit_sha')
        .where('production', true)
        .where('status', 'success')
        .groupBy('entity_ref');
      for (const r of rows as Array<{
        entity_ref: string;
        min: DbNumber | null;
        max: DbNumber | null;
      }>) {
        commitless.set(r.entity_ref, {
          min: dbNumberOrNull(r.min),
          max: dbNumberOrNull(r.max),
        });
      }
    }

    const unique = [...new Set(shas)];
    const idsBySha = new Map<string, string[]>(unique.map(s => [s, []]));
    const changesBySha = new Map<string, ChangeWithServiceRow[]>(
      unique.map(s => [s, []]),
    );
    const changesByBefore = new Map<string, ChangeWithServiceRow[]>(
      unique.map(s => [s, []]),
    );
    for (const chunk of chunks(unique, LOOKUP_CHUNK)) {
      for (const r of (await tx('dora_deployment_shas')
        .select('sha', 'deployment_id')
        .whereIn('sha', chunk)) as DeploymentShaRow[]) {
        idsBySha.get(r.sha)!.push(String(r.deployment_id));
      }
      for (const r of (await tx('dora_changes')
        .select(CHANGE_WITH_SERVICE_COLUMNS)
        .whereIn('sha', chunk)) as ChangeWithServiceRow[]) {
        changesBySha.get(r.sha)!.push(r);
      }
      for (const r of (await tx('dora_changes')
        .select(CHANGE_WITH_SERVICE_COLUMNS)
        .whereIn('pushed_before', chunk)) as ChangeWithServiceRow[]) {
        // Selected by it: never null.
        changesByBefore.get(r.pushed_before!)!.push(r);
      }
    }
    const deploymentsById = new Map<string, CachedDeploymentRow>();
    const ids = [...new Set([...idsBySha.values()].flat())];
    for (const chunk of chunks(ids, LOOKUP_CHUNK)) {
      for (const r of (await tx('dora_deployments')
        .select(DEPLOYMENT_ROW_COLUMNS)
        .whereIn('id', chunk)) as CachedDeploymentRow[]) {
        deploymentsById.set(String(r.id), r);
      }
    }
    return new IngestReads(
      commitless,
      idsBySha,
      deploymentsById,
      changesBySha,
      changesByBefore,
    );
  }

  /** Makes these reads answer the lookups made with `tx` (one ingest transaction). */
  attach(tx: Knex) {
    IngestReads.byTransaction.set(tx, this);
  }

  /** The reads attached to `tx`, if it is an ingest transaction. */
  static of(tx: Knex): IngestReads | undefined {
    return IngestReads.byTransaction.get(tx);
  }

  /** See `commitlessWithin`; undefined when the service was not loaded or the extent cannot tell. */
  hasCommitless(
    service: string,
    since: number,
    until: number,
  ): boolean | undefined {
    const extent = this.commitless.get(service);
    return extent ? commitlessWithin(extent, since, until) : undefined;
  }

  /** Deployment ids reporting the loaded SHAs among `shas`, and the SHAs not loaded. */
  deploymentIds(shas: string[]): { ids: string[]; unknown: string[] } {
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const sha of new Set(shas)) {
      const known = this.idsBySha.get(sha);
      if (known) {
        ids.push(...known);
      } else {
        unknown.push(sha);
      }
    }
    return { ids, unknown };
  }

  /**
   * The successful production deployments of `service` among `ids` (as `whereIn('id', ids)`),
   * those finished when `where` is given and passing it (SQL comparisons with null are false), or
   * undefined when an id was not loaded.
   */
  deployments(
    service: string,
    ids: string[],
    where?: (finishedAt: number) => boolean,
  ): CachedDeploymentRow[] | undefined {
    const rows: CachedDeploymentRow[] = [];
    for (const id of new Set(ids)) {
      const row = this.deploymentsById.get(id);
      if (!row) {
        return undefined;
      }
      if (!ofService(row, service) || !successfulProduction(row)) {
        continue;
      }
      const finishedAt = dbNumberOrNull(row.finished_at);
      if (!where || (finishedAt !== null && where(finishedAt))) {
        rows.push(row);
      }
    }
    return rows;
  }

  /** Changes (any service) with the loaded SHAs among `shas`, and the SHAs not loaded. */
  changes(shas: string[]): { rows: ChangeWithServiceRow[]; unknown: string[] } {
    return this.lookup(this.changesBySha, shas);
  }

  /** Changes (any service) pushed onto the loaded SHAs among `shas`, and the SHAs not loaded. */
  changesPushedOnto(shas: string[]): {
    rows: ChangeWithServiceRow[];
    unknown: string[];
  } {
    return this.lookup(this.changesByBefore, shas);
  }

  private lookup(map: Map<string, ChangeWithServiceRow[]>, keys: string[]) {
    const rows: ChangeWithServiceRow[] = [];
    const unknown: string[] = [];
    for (const key of new Set(keys)) {
      const known = map.get(key);
      if (known) {
        rows.push(...known);
      } else {
        unknown.push(key);
      }
    }
    return { rows, unknown };
  }
}
