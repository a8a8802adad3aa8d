import { InputError } from '@backstage/errors';
import {
  DORA_EARLIEST_TIMESTAMP,
  DORA_MAX_CLOCK_SKEW_MS,
  DoraDeploymentKind,
  DoraDeploymentStatus,
  DoraServiceKeyType,
} from '@internal/plugin-dora-common';
import { CommitRange } from './model';

/**
 * The DORA event model: what every source (webhooks, the generic API, a backfill) is converted
 * to before it is stored, and the plausibility rules every event must meet whatever its source.
 */

/** What every stored event carries: where it came from and which service it names. */
export interface EventOrigin {
  /** `github`, `pagerduty`, `argocd` or `api:<source name>`. */
  source: string;
  /** The source's id of the event, unique within the source. */
  externalId: string;
  serviceKeyType: DoraServiceKeyType;
  serviceKey: string;
}

export interface NormalizedDeployment extends EventOrigin {
  type: 'deployment';
  environment: string;
  stream: string;
  production: boolean;
  status: DoraDeploymentStatus;
  kind: DoraDeploymentKind;
  version?: string;
  commitSha?: string;
  commits?: string[];
  startedAt: number;
  finishedAt?: number;
}

export interface NormalizedChange extends EventOrigin {
  type: 'change';
  sha: string;
  authoredAt?: number;
  committedAt: number;
  prNumber?: number;
  prUrl?: string;
  /** The push (or compare) range that listed the commit, when the source says (ancestry). */
  pushed?: CommitRange;
}

export interface NormalizedIncident extends EventOrigin {
  type: 'incident';
  title?: string;
  severity?: string;
  openedAt: number;
  resolvedAt?: number;
  causeDeploymentId?: string;
  causeCommitSha?: string;
}

export interface NormalizedRollback extends EventOrigin {
  type: 'rollback';
  environment: string;
  stream: string;
  rolledBackDeploymentId: string;
  rollbackDeploymentId?: string;
  at: number;
}

/** An event validated and converted from any source, ready to store. */
export type NormalizedEvent =
  | NormalizedDeployment
  | NormalizedChange
  | NormalizedIncident
  | NormalizedRollback;

/** The outcome of one webhook delivery: events to store, or why nothing is stored. */
export type WebhookResult = { events: NormalizedEvent[] } | { ignored: string };

/** Maps a service key to a catalog entity ref, or null when no component claims it. */
export type ServiceKeyResolver = (
  type: DoraServiceKeyType,
  key: string,
) => string | null;

const EARLIEST = Date.parse(DORA_EARLIEST_TIMESTAMP);

/**
 * Rejects timestamps that are absurd (before 2005), in the future, or out of order, whatever the
 * source. The generic API's schemas check the same; webhooks are checked here after conversion.
 */
export function assertPlausibleTimes(
  events: NormalizedEvent[],
  now: number,
  /** How the message names an event: `event 3` by default, `line 12` for a backfill. */
  label: (index: number) => string = index => `event ${index}`,
): void {
  events.forEach((event, index) => {
    const fields: Array<[string, number | undefined]> = Object.entries(
      event,
    ).filter(
      ([name, value]) => name.endsWith('At') && typeof value === 'number',
    );
    for (const [name, value] of fields) {
      if (!Number.isFinite(value) || value! < EARLIEST) {
        throw new InputError(
          `${label(
            index,
          )}: ${name} must not be before ${DORA_EARLIEST_TIMESTAMP}`,
        );
      }
      if (value! > now + DORA_MAX_CLOCK_SKEW_MS) {
        throw new InputError(
          `${label(index)}: ${name} must not be in the future`,
        );
      }
    }
    if (
      event.type === 'deployment' &&
      event.finishedAt !== undefined &&
      event.finishedAt < event.startedAt
    ) {
      throw new InputError(
        `${label(index)}: finishedAt must not be before startedAt`,
      );
    }
    if (
      event.type === 'incident' &&
      event.resolvedAt !== undefined &&
      event.resolvedAt < event.openedAt
    ) {
      throw new InputError(
        `${label(index)}: resolvedAt must not be before openedAt`,
      );
    }
  });
}
