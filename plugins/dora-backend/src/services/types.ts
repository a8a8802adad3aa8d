import {
  DoraDeploymentKind,
  DoraDeploymentStatus,
  DoraServiceKeyType,
} from '@internal/plugin-dora-common';
import { CommitRange } from '../domain';

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
