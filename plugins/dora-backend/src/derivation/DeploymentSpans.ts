import { chunks, dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { REPAIR_WINDOW_MS } from '../domain';
import { NormalizedDeployment } from '../domain/events';
import { serviceOf, whereService } from '../database/eventRows';
import {
  DbNumber,
  IncidentRow,
  RollbackRow,
  SERVICE_COLUMNS,
  ServiceKeyRow,
} from '../database/rows';
import { FACT_TABLES, TABLES } from '../database/tables';
import { termGroups } from '../database/sql';
import { AffectedSpans, SETTLE_MS } from './AffectedSpans';
import { CommitSpans } from './CommitSpans';

/** Rows per statement, well under SQLite's bound-parameter limit. */
const CHUNK = 400;

/** A regular deployment with a commit list of a batch, where it is placed (see `affectedSpans`). */
export interface NarrowDeployment {
  e: NormalizedDeployment;
  service: string;
  /** Its reported time, and its stored time when it was reported before. */
  times: number[];
  stored: boolean;
}

/** What `addDeploymentSpan` reads for a regular deployment with a commit list. */
interface NarrowSpanReads {
  /**
   * Where the deployments whose repair it may take over start (a hotfix or rollback of its stream
   * followed it within the repair window), or undefined when none may.
   */
  repairSpanFrom?: number;
  moved: Array<{ opened_at: DbNumber }>;
  naming: Array<{ opened_at: DbNumber }>;
  performed: Array<{ rolled_back_deployment_id: string }>;
}

/** An incident naming a cause, as `preloadNarrowSpans` reads it. */
type CauseRow = ServiceKeyRow &
  Pick<
    IncidentRow,
    | 'source'
    | 'external_id'
    | 'opened_at'
    | 'cause_deployment_id'
    | 'cause_commit_sha'
  >;

/**
 * Which facts a deployment's report can change: the planning for deployments. Reads inside the
 * ingest's transaction, after its upserts.
 */
export class DeploymentSpans {
  constructor(
    private readonly commits: CommitSpans,
    private readonly fallbackMs: number,
  ) {}

  /**
   * What `addDeploymentSpan` reads for the batch's regular deployments with a commit list (most of
   * a batch), read for all of them at once: whether a fix followed within the repair window,
   * incidents without a cause opened up to the fallback window after, and the rollbacks each
   * performed. The same rows as its per-deployment queries (raw rows do not change after the
   * batch's upserts); one statement per kind instead of one per deployment.
   */
  async preloadNarrowSpans(
    tx: Knex.Transaction,
    deployments: NarrowDeployment[],
  ): Promise<Map<NormalizedDeployment, NarrowSpanReads>> {
    const items = deployments.map(d => ({
      ...d,
      from: Math.min(...d.times),
      to: Math.max(...d.times),
    }));
    const found = new Map<NormalizedDeployment, NarrowSpanReads>(
      items.map(d => [d.e, { moved: [], naming: [], performed: [] }]),
    );
    const fixes: Array<
      ServiceKeyRow & { finished_at: DbNumber; stream: string }
    > = [];
    const incidents: Array<ServiceKeyRow & { opened_at: DbNumber }> = [];
    const serviceColumns = SERVICE_COLUMNS;
    for (const group of termGroups(items, () => 5)) {
      fixes.push(
        ...(await tx(TABLES.deployment)
          .select(['finished_at', 'stream', ...serviceColumns])
          .where('production', true)
          .where('status', 'success')
          .whereNot('kind', 'regular')
          .where(q => {
            for (const d of group) {
              q.orWhere(w =>
                whereService(w, d.service)
                  .where('finished_at', '>', Math.floor(d.from))
                  .where(
                    'finished_at',
                    '<=',
                    Math.ceil(d.to + REPAIR_WINDOW_MS),
                  ),
              );
            }
          })),
      );
      incidents.push(
        ...(await tx(TABLES.incident)
          .select(['opened_at', ...serviceColumns])
          .whereNull('cause_deployment_id')
          .whereNull('cause_commit_sha')
          .where(q => {
            for (const d of group) {
              q.orWhere(w =>
                whereService(w, d.service)
                  .where('opened_at', '>=', Math.floor(d.from))
                  .where('opened_at', '<=', Math.ceil(d.to + this.fallbackMs)),
              );
            }
          })),
      );
    }
    // Incidents naming a deployment or one of its SHAs as their cause (each once).
    const naming = new Map<string, CauseRow>();
    const shasOf = (e: NormalizedDeployment) => [
      ...new Set([...(e.commits ?? []), ...(e.commitSha ? [e.commitSha] : [])]),
    ];
    // By the two cause indexes alone, whatever the service (filtered below): given the service,
    // the planner reads all of its incidents and filters them, which grows with the history.
    const causes = termGroups(items, d => 1 + shasOf(d.e).length).map(
      group => ({
        ids: [...new Set(group.map(d => d.e.externalId))],
        shas: [...new Set(group.flatMap(d => shasOf(d.e)))],
      }),
    );
    for (const { ids, shas } of causes) {
      const rows = await tx(TABLES.incident)
        .select([
          'source',
          'external_id',
          'opened_at',
          'cause_deployment_id',
          'cause_commit_sha',
          ...serviceColumns,
        ])
        // Each branch states its column is not null, as the partial indexes do: SQLite uses a
        // partial index for a branch of an OR only when that branch implies the index's WHERE.
        .where(q =>
          q
            .whereIn('cause_deployment_id', ids)
            .whereNotNull('cause_deployment_id'),
        )
        .orWhere(q =>
          q.whereIn('cause_commit_sha', shas).whereNotNull('cause_commit_sha'),
        );
      for (const r of rows as CauseRow[]) {
        naming.set(`${r.source}\u0000${r.external_id}`, r);
      }
    }
    const rollbacks: Array<
      ServiceKeyRow &
        Pick<
          RollbackRow,
          'rolled_back_deployment_id' | 'rollback_deployment_id'
        >
    > = [];
    for (const ids of chunks(
      [...new Set(items.map(d => d.e.externalId))],
      CHUNK,
    )) {
      rollbacks.push(
        ...(await tx(TABLES.rollback)
          .select([
            'rolled_back_deployment_id',
            'rollback_deployment_id',
            ...serviceColumns,
          ])
          .whereIn('rollback_deployment_id', ids)),
      );
    }
    const takingOverRepairs = items.filter(d =>
      fixes.some(
        r =>
          serviceOf(r) === d.service &&
          r.stream === d.e.stream &&
          dbNumber(r.finished_at) > Math.floor(d.from) &&
          dbNumber(r.finished_at) <= Math.ceil(d.to + REPAIR_WINDOW_MS),
      ),
    );
    const repaired = await this.lastRegularBefore(
      tx,
      takingOverRepairs.filter(d => !d.stored),
    );
    for (const d of takingOverRepairs) {
      // A deployment reported again may have moved from another stream or time: the whole window.
      found.get(d.e)!.repairSpanFrom = d.stored
        ? d.from - REPAIR_WINDOW_MS
        : repaired.get(d.e);
    }
    for (const d of items) {
      const reads = found.get(d.e)!;
      reads.moved = incidents.filter(
        r =>
          serviceOf(r) === d.service &&
          dbNumber(r.opened_at) >= Math.floor(d.from) &&
          dbNumber(r.opened_at) <= Math.ceil(d.to + this.fallbackMs),
      );
      const shas = new Set(shasOf(d.e));
      reads.naming = [...naming.values()].filter(
        r =>
          serviceOf(r) === d.service &&
          (r.cause_deployment_id === d.e.externalId ||
            (r.cause_commit_sha !== null && shas.has(r.cause_commit_sha))),
      );
      reads.performed = rollbacks.filter(
        r =>
          serviceOf(r) === d.service &&
          r.rollback_deployment_id === d.e.externalId,
      );
    }
    return found;
  }

  /**
   * The finish of the last regular deployment of each one's stream before it, within the repair
   * window: the one whose repair by a later hotfix or rollback it takes over (a fix repairs the
   * last regular deployment of its stream before it). Older ones were not repaired by a fix after
   * it. One statement per group of deployments, each term a walk back on (service, finish).
   */
  private async lastRegularBefore(
    tx: Knex.Transaction,
    deployments: Array<NarrowDeployment & { from: number }>,
  ): Promise<Map<NormalizedDeployment, number>> {
    const found = new Map<NormalizedDeployment, number>();
    for (const group of termGroups(deployments, () => 8)) {
      const [first, ...rest] = group.map((d, index) =>
        tx.select(
          tx.raw('? as item', [index]),
          whereService(tx(TABLES.deployment).select('finished_at'), d.service)
            .where('stream', d.e.stream)
            .where('kind', 'regular')
            .where('production', true)
            .where('status', 'success')
            .whereNot('external_id', d.e.externalId)
            .where('finished_at', '<=', Math.ceil(d.from))
            .where('finished_at', '>=', Math.floor(d.from - REPAIR_WINDOW_MS))
            .orderBy('finished_at', 'desc')
            .limit(1)
            .as('at'),
        ),
      );
      const rows = await (rest.length > 0 ? first.unionAll(rest) : first);
      for (const r of rows as Array<{ item: number | string; at: DbNumber }>) {
        if (r.at !== null && r.at !== undefined) {
          found.set(group[Number(r.item)].e, dbNumber(r.at));
        }
      }
    }
    return found;
  }

  /**
   * The span a deployment report can change. A regular deployment with a commit list changes
   * itself, the deployments whose incident fallback window it enters or leaves, the later
   * deployments that reported its commits (they no longer ship them first) and the deployments
   * that rollbacks it performed recovered; anything else (hotfixes and rollbacks end failures
   * before them, commit-less deployments infer commits from their neighbours) settles the
   * surrounding days.
   */
  async addDeploymentSpan(
    tx: Knex.Transaction,
    service: string,
    e: NormalizedDeployment,
    times: number[],
    spans: AffectedSpans,
    reference: (service: string, id: string | undefined) => void,
    commitless: (service: string) => Promise<boolean>,
    preloaded?: NarrowSpanReads,
  ) {
    const from = Math.min(...times);
    const to = Math.max(...times);
    const narrow =
      e.kind === 'regular' &&
      e.commits !== undefined &&
      !service.startsWith('unmapped:') &&
      !(await commitless(service));
    spans.mark(service, narrow);
    if (!narrow) {
      spans.add(service, from - SETTLE_MS, to + SETTLE_MS);
      // The next deployment inferring its commits, however much later, took the commits up to
      // this one's head while it was missing: it gives them back.
      const next = await whereService(
        tx(TABLES.deployment).select('finished_at'),
        service,
      )
        .whereNull('commits')
        .whereNotNull('commit_sha')
        .where('production', true)
        .where('status', 'success')
        .where('finished_at', '>', Math.ceil(to + SETTLE_MS))
        .orderBy('finished_at')
        .first();
      if (next) {
        spans.add(service, Number(next.finished_at), Number(next.finished_at));
      }
      if (e.commits && e.commits.length > 0) {
        // The later deployments inferring their commits that took one it lists while it was
        // missing give it back: every one after it up to the first whose head is at least as
        // new as its newest commit, however much later they finished.
        let newest: number | undefined;
        for (const chunk of chunks(e.commits, CHUNK)) {
          const [row] = await whereService(
            tx(TABLES.change).max({ at: 'committed_at' }),
            service,
          ).whereIn('sha', chunk);
          if (row?.at !== null && row?.at !== undefined) {
            newest = Math.max(newest ?? -Infinity, Number(row.at));
          }
        }
        if (newest !== undefined) {
          await this.commits.addInferenceFollowers(
            tx,
            service,
            from,
            newest,
            spans,
          );
        }
      }
      if (!e.commits && e.commitSha) {
        const [head] = await whereService(
          tx(TABLES.change).select('committed_at'),
          service,
        ).where('sha', e.commitSha);
        if (head) {
          await this.commits.addInferenceFollowers(
            tx,
            service,
            from,
            Number(head.committed_at),
            spans,
          );
        }
      }
      if (e.kind !== 'regular') {
        // A fix may end failures of its stream however old: those not recovered before it.
        const open = await tx(FACT_TABLES.facts)
          .select('finished_at')
          .where('service', service)
          .where('stream', e.stream)
          .where('failed', true)
          .where('finished_at', '<', Math.ceil(to))
          .where(q =>
            q
              .whereNull('recovered_at')
              .orWhere('recovered_at', '>', Math.floor(from)),
          );
        for (const f of open as Array<{ finished_at: DbNumber }>) {
          spans.add(service, Number(f.finished_at), Number(f.finished_at));
        }
      }
      return;
    }
    // The batch preloads these for its narrow deployments; one reported alone reads them the same way
    // (`times` holds the stored time too when it was reported before).
    const reads =
      preloaded ??
      (await this.preloadNarrowSpans(tx, [
        { e, service, times, stored: times.length > 1 },
      ]))!.get(e)!;
    // A hotfix or rollback deployment of its stream up to a week after it now repairs it rather
    // than the regular deployment before it: that one's failure changes.
    if (reads.repairSpanFrom !== undefined) {
      spans.add(service, reads.repairSpanFrom, to);
    }
    // Incidents without a cause opened up to the fallback window after it may move to it from the
    // deployment before it (or from unlinked): that deployment and those incidents' days change.
    spans.add(service, from, to);
    if (reads.moved.length > 0) {
      for (const i of reads.moved) {
        spans.add(service, Number(i.opened_at), Number(i.opened_at));
      }
      const [before] = await whereService(
        tx(TABLES.deployment).max({ at: 'finished_at' }),
        service,
      )
        .where('production', true)
        .where('status', 'success')
        .where('finished_at', '<', Math.floor(from))
        .where('finished_at', '>=', Math.floor(from - this.fallbackMs));
      if (before?.at !== null && before?.at !== undefined) {
        spans.add(service, Number(before.at), from);
      }
    }
    const shas = [
      ...new Set([...e.commits!, ...(e.commitSha ? [e.commitSha] : [])]),
    ];
    for (const later of await this.commits.deploymentsReporting(
      tx,
      service,
      shas,
      from,
      // However much later: a commit counts at its first deployment only.
      Number.MAX_SAFE_INTEGER,
    )) {
      spans.add(service, later.finishedAt, later.finishedAt);
    }
    // Incidents naming it (or one of its commits) as their cause: they were unlinked without it.
    for (const i of reads.naming) {
      spans.add(service, Number(i.opened_at), Number(i.opened_at));
    }
    for (const r of reads.performed) {
      reference(service, r.rolled_back_deployment_id);
    }
  }
}
