import { chunks } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { RELEASE_SPREAD_MS } from '../domain';
import {
  NormalizedChange,
  NormalizedDeployment,
  NormalizedEvent,
} from '../domain/events';
import { serviceOf, whereService } from '../database/eventRows';
import { DbNumber, ServiceKeyRow } from '../database/rows';
import { TABLES } from '../database/tables';
import { AffectedSpans, SETTLE_MS } from './AffectedSpans';
import { firstInferringDeployment, shasPushedWithOrAfter } from './ancestry';
import { hasCommitlessDeployments } from './eventLookups';
import { LOOKBACK_MS } from './lookback';
import { CommitSpans } from './CommitSpans';
import { DeploymentSpans, NarrowDeployment } from './DeploymentSpans';

/** Rows per statement, well under SQLite's bound-parameter limit. */
const CHUNK = 400;

/** Where and when an event of a batch was stored before it (see `previousRows`). */
export type PreviousRow = ServiceKeyRow & {
  source: string;
  external_id: string;
  time: DbNumber | null;
};

/**
 * Plans what an ingested batch can change: which services' facts, over which time spans, must be
 * derived again. Reads inside the ingest's transaction, after its upserts (and, for where the
 * batch's events were stored before, before them: `previousRows`).
 */
export class AffectedSpansPlanner {
  private readonly commits: CommitSpans;
  private readonly deployments: DeploymentSpans;

  constructor(private readonly fallbackMs: number) {
    this.commits = new CommitSpans(fallbackMs);
    this.deployments = new DeploymentSpans(this.commits, fallbackMs);
  }

  /** Stored rows of the events in a batch, by source and id (their stored service and times). */
  async previousRows(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ): Promise<Map<string, PreviousRow>> {
    const found = new Map<string, PreviousRow>();
    const timeColumn = {
      deployment: 'finished_at',
      change: 'committed_at',
      incident: 'opened_at',
      rollback: 'at',
    } as const;
    for (const type of Object.keys(TABLES) as Array<keyof typeof TABLES>) {
      const keys = events
        .filter(e => e.type === type)
        .map(e => [e.source, e.externalId]);
      for (const chunk of chunks(keys, CHUNK)) {
        const rows = await tx(TABLES[type])
          .select(
            'source',
            'external_id',
            'entity_ref',
            'service_key_type',
            'service_key',
            { time: timeColumn[type] },
          )
          .whereIn(['source', 'external_id'], chunk);
        for (const r of rows as PreviousRow[]) {
          found.set(`${type}\u0000${r.source}\u0000${r.external_id}`, r);
        }
      }
    }
    return found;
  }

  /** Which services' facts a batch can change, and over which time spans. */
  async affectedSpans(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
    previous: Map<string, PreviousRow>,
    base: (e: NormalizedEvent) => {
      entity_ref: string | null;
      service_key_type: string;
      service_key: string;
    },
  ): Promise<AffectedSpans> {
    const spans = new AffectedSpans();
    // Whether a service has commit-less deployments anywhere near the batch (asked once each):
    // their commits are inferred from neighbours, so their events keep the wide spans.
    const times = [
      ...events.map(e => timeOf(e)),
      ...[...previous.values()]
        .filter(r => r.time !== null && r.time !== undefined)
        .map(r => Number(r.time)),
    ];
    const near = Math.min(...times) - 2 * LOOKBACK_MS;
    const commitlessByService = new Map<string, Promise<boolean>>();
    const commitless = (service: string) => {
      let answer = commitlessByService.get(service);
      if (!answer) {
        answer = hasCommitlessDeployments(tx, service, near);
        commitlessByService.set(service, answer);
      }
      return answer;
    };
    const referenced = new Map<string, Set<string>>();
    const reference = (service: string, id: string | undefined) => {
      if (id) {
        referenced.set(service, (referenced.get(service) ?? new Set()).add(id));
      }
    };
    const changesByService = new Map<string, NormalizedChange[]>();
    const deployedShas = new Map<string, Set<string>>();
    const placed = (e: NormalizedEvent) => {
      const stored = previous.get(
        `${e.type}\u0000${e.source}\u0000${e.externalId}`,
      );
      return {
        service: serviceOf(stored ?? base(e)),
        storedTime:
          stored?.time === null || stored?.time === undefined
            ? undefined
            : Number(stored.time),
      };
    };
    const deploymentTimes = (e: NormalizedDeployment, storedTime?: number) =>
      [e.finishedAt ?? e.startedAt, storedTime].filter(
        (t): t is number => t !== undefined,
      );
    // The regular deployments with a commit list (see addDeploymentSpan) get their reads together.
    const narrow: NarrowDeployment[] = [];
    for (const e of events) {
      if (e.type === 'deployment' && e.kind === 'regular' && e.commits) {
        const { service, storedTime } = placed(e);
        if (!service.startsWith('unmapped:') && !(await commitless(service))) {
          narrow.push({
            e,
            service,
            times: deploymentTimes(e, storedTime),
            stored: storedTime !== undefined,
          });
        }
      }
    }
    const narrowReads = await this.deployments.preloadNarrowSpans(tx, narrow);
    for (const e of events) {
      const { service, storedTime } = placed(e);
      switch (e.type) {
        case 'deployment':
          for (const sha of [...(e.commits ?? []), e.commitSha ?? []].flat()) {
            deployedShas.set(
              service,
              (deployedShas.get(service) ?? new Set()).add(sha),
            );
          }
          await this.deployments.addDeploymentSpan(
            tx,
            service,
            e,
            deploymentTimes(e, storedTime),
            spans,
            reference,
            commitless,
            narrowReads.get(e),
          );
          break;
        case 'change':
          changesByService.set(service, [
            ...(changesByService.get(service) ?? []),
            e,
          ]);
          break;
        case 'incident':
          // Up to a week after: the later rollouts of the release it failed (one release
          // counts once per service, so theirs no longer count as a failed release).
          spans.add(
            service,
            e.openedAt - (e.causeCommitSha ? LOOKBACK_MS : this.fallbackMs),
            Math.max(e.openedAt, storedTime ?? e.openedAt) + RELEASE_SPREAD_MS,
          );
          reference(service, e.causeDeploymentId);
          if (e.causeCommitSha) {
            // The deployment that shipped the cause first finished between its commit and the
            // incident, however long before (inferred, or by ancestry).
            const [cause] = await whereService(
              tx(TABLES.change).select('committed_at'),
              service,
            ).where('sha', e.causeCommitSha);
            if (cause) {
              spans.add(service, Number(cause.committed_at), e.openedAt);
              // Or, by commit time, the first deployment without a commit list whose head is
              // at least as new, however much later.
              const inferring = (await commitless(service))
                ? await firstInferringDeployment(
                    tx,
                    service,
                    Number(cause.committed_at),
                  )
                : undefined;
              if (inferring) {
                // With the later rollouts of its release (see above).
                const at = Number(inferring.finished_at);
                spans.add(service, at, at + RELEASE_SPREAD_MS);
              }
            }
            // The deployments shipping it, however long after the incident they finished: the
            // first of them failed (found through the SHA and range indexes, not by time).
            for (const d of await this.commits.deploymentsReporting(
              tx,
              service,
              await shasPushedWithOrAfter(tx, service, [e.causeCommitSha]),
              0,
              Number.MAX_SAFE_INTEGER,
            )) {
              spans.add(
                service,
                d.finishedAt,
                d.finishedAt + RELEASE_SPREAD_MS,
              );
            }
          }
          break;
        case 'rollback':
          spans.add(service, e.at - SETTLE_MS, e.at);
          reference(service, e.rolledBackDeploymentId);
          reference(service, e.rollbackDeploymentId);
          break;
        default:
      }
    }
    for (const [service, changes] of changesByService) {
      await this.commits.addDeploymentsShipping(
        tx,
        service,
        changes,
        spans,
        commitless,
      );
    }
    // Deployed SHAs now end the trails of later deployments of commits pushed after them.
    for (const [service, shas] of deployedShas) {
      await this.commits.addAncestryDeployments(
        tx,
        service,
        [...shas].map(sha => ({ sha })),
        spans,
      );
    }
    // Deployments named by incidents and rollbacks may lie outside those spans.
    const ids = [...new Set([...referenced.values()].flatMap(set => [...set]))];
    for (const chunk of chunks(ids, CHUNK)) {
      const rows = await tx(TABLES.deployment)
        .select(
          'external_id',
          'entity_ref',
          'service_key_type',
          'service_key',
          'finished_at',
        )
        .whereIn('external_id', chunk)
        .whereNotNull('finished_at');
      for (const r of rows as Array<
        ServiceKeyRow & { external_id: string; finished_at: DbNumber }
      >) {
        const service = serviceOf(r);
        if (referenced.get(service)?.has(r.external_id)) {
          // With the later rollouts of its release (see incidents above).
          spans.add(
            service,
            Number(r.finished_at),
            Number(r.finished_at) + RELEASE_SPREAD_MS,
          );
        }
      }
    }
    return spans;
  }
}

/** The time an event is about (a deployment's finish or start, a commit, an opening, a rollback). */
function timeOf(e: NormalizedEvent): number {
  switch (e.type) {
    case 'deployment':
      return e.finishedAt ?? e.startedAt;
    case 'change':
      return e.committedAt;
    case 'incident':
      return e.openedAt;
    default:
      return e.at;
  }
}
