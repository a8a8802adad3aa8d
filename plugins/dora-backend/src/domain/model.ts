import {
  DoraDeploymentKind,
  DoraDeploymentStatus,
} from '@internal/plugin-dora-common';

/**
 * The domain's view of stored events: times in epoch milliseconds, services already mapped to a
 * stable key (a catalog entity ref, or the raw source key when unmapped).
 */
export interface Deployment {
  /** The source's id; incidents and rollbacks refer to deployments by it. */
  id: string;
  service: string;
  /** Deploy stream, such as `production` or `production/eu-west-1`. */
  stream: string;
  production: boolean;
  status: DoraDeploymentStatus;
  kind: DoraDeploymentKind;
  startedAt: number;
  finishedAt: number | null;
  commitSha?: string;
  /** Commits the source says the deployment contains; when absent they are inferred. */
  commits?: string[];
}

export interface Change {
  service: string;
  sha: string;
  committedAt: number;
  /**
   * Where the commit entered the tracked branch, when a source says so: a push (or a compare
   * between two SHAs) from `before` to `head` listed it at position `index` (oldest first). The
   * commit's ancestors are then the commits listed before it there and the ancestors of `before`.
   */
  pushed?: CommitRange;
}

/** A commit's place in a push (or compare) range `before..head`, listed oldest first. */
export interface CommitRange {
  before: string;
  head: string;
  index: number;
}

export interface Incident {
  id: string;
  service: string;
  openedAt: number;
  resolvedAt: number | null;
  causeDeploymentId?: string;
  causeCommitSha?: string;
}

export interface Rollback {
  id: string;
  service: string;
  rolledBackDeploymentId: string;
  rollbackDeploymentId?: string;
  at: number;
}

export interface EventSet {
  deployments: Deployment[];
  changes: Change[];
  incidents: Incident[];
  rollbacks: Rollback[];
  /**
   * Per service, when the set holds only part of its history: commits committed at or before this
   * time were shipped by deployments outside the set (the latest head commit time of its earlier
   * deployments without a commit list), so timestamp inference does not take them again.
   */
  shippedUpTo?: ReadonlyMap<string, number>;
}

/** A half-open time range [from, to) in epoch milliseconds. */
export interface TimeWindow {
  from: number;
  to: number;
}

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export function inWindow(time: number | null, window: TimeWindow): boolean {
  return time !== null && time >= window.from && time < window.to;
}

export function windowDays(window: TimeWindow): number {
  return (window.to - window.from) / DAY_MS;
}
