import {
  DORA_MAX_BATCH_SIZE,
  DoraEventInput,
  doraEventInputSchema,
} from '@internal/plugin-dora-common';
import { z } from 'zod';
import { NormalizedEvent } from '../domain/events';
import { parseWith } from '@internal/plugin-portal-node';
import { ms, msOrUndefined } from './validation';

const batchSchema = z
  .object({
    events: z.array(doraEventInputSchema).min(1).max(DORA_MAX_BATCH_SIZE),
  })
  .strict();

/** Options shared by the source adapters. */
export interface NormalizeOptions {
  productionEnvironments: string[];
}

export const streamOf = (environment: string, stream?: string) =>
  stream ?? environment;

export const isProduction = (environment: string, options: NormalizeOptions) =>
  options.productionEnvironments.includes(
    environment.toLocaleLowerCase('en-US'),
  );

function normalize(
  source: string,
  e: DoraEventInput,
  options: NormalizeOptions,
): NormalizedEvent {
  const origin = {
    source,
    serviceKeyType: e.serviceKeyType,
    serviceKey: e.service,
  };
  switch (e.type) {
    case 'deployment':
      return {
        ...origin,
        type: 'deployment',
        externalId: e.id,
        environment: e.environment,
        stream: streamOf(e.environment, e.stream),
        production: isProduction(e.environment, options),
        status: e.status,
        kind: e.kind,
        version: e.version,
        commitSha: e.commitSha,
        commits: e.commits,
        startedAt: ms(e.startedAt),
        finishedAt: msOrUndefined(e.finishedAt),
      };
    case 'change':
      return {
        ...origin,
        type: 'change',
        externalId: `${e.service}@${e.sha}`,
        sha: e.sha,
        authoredAt: msOrUndefined(e.authoredAt),
        committedAt: ms(e.committedAt),
        prNumber: e.pullRequest?.number,
        prUrl: e.pullRequest?.url,
      };
    case 'incident':
      return {
        ...origin,
        type: 'incident',
        externalId: e.id,
        title: e.title,
        severity: e.severity,
        openedAt: ms(e.openedAt),
        resolvedAt: msOrUndefined(e.resolvedAt),
        causeDeploymentId: e.causeDeploymentId,
        causeCommitSha: e.causeCommitSha,
      };
    case 'rollback':
    default:
      return {
        ...origin,
        type: 'rollback',
        externalId: e.id,
        environment: e.environment,
        stream: streamOf(e.environment, e.stream),
        rolledBackDeploymentId: e.rolledBackDeploymentId,
        rollbackDeploymentId: e.rollbackDeploymentId,
        at: ms(e.at),
      };
  }
}

/** Validates a `POST /events` body (one event or `{ events }`) from the named source. */
export function normalizeGenericRequest(
  sourceName: string,
  body: unknown,
  options: NormalizeOptions,
): NormalizedEvent[] {
  // Batch and single event are told apart up front so errors name the failing field directly
  // (`events.3.startedAt`) instead of a union mismatch.
  const events =
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    'events' in body
      ? parseWith(batchSchema, body, 'event batch').events
      : [parseWith(doraEventInputSchema, body, 'event')];
  return events.map(e => normalize(`api:${sourceName}`, e, options));
}

/** Validates one event of a backfill stream (`what` names it in errors: "line 12"). */
export function normalizeGenericEvent(
  sourceName: string,
  value: unknown,
  options: NormalizeOptions,
  what: string,
): NormalizedEvent {
  return normalize(
    `api:${sourceName}`,
    parseWith(doraEventInputSchema, value, what),
    options,
  );
}
