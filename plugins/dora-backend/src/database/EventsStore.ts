import { DoraServiceKeyType } from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { EventSet } from '../domain';
import { NormalizedEvent } from '../domain/events';
import { EventRowBaseValues } from './eventRows';
import { ServiceKeyRow } from './rows';
import { TABLES } from './tables';

/** The raw event types, each with a table of its own. */
export type EventType = keyof typeof TABLES;

/** A service key no catalog component claims, with how many events name it. */
export interface UnmappedServiceKey {
  serviceKeyType: DoraServiceKeyType;
  service: string;
  eventCount: number;
  /** ISO 8601 time the latest of those events was received. */
  lastSeenAt: string;
}

/**
 * The raw events (deployments, changes, incidents, rollbacks) and the SHA index of deployments.
 * Every write is an idempotent upsert keyed by (source, external id); the methods taking a
 * transaction write in the caller's, so the derivation that follows sees the rows.
 */
export interface EventsStore {
  /**
   * Upserts events (merged by key, in key order) with the rules that make any delivery order end in
   * the same rows, and rewrites the SHA index of the deployments among them.
   */
  upsertEvents(
    tx: Knex.Transaction,
    sorted: NormalizedEvent[],
    base: (e: NormalizedEvent) => EventRowBaseValues,
  ): Promise<void>;

  /**
   * The events needed for metrics over [from, to): deployments and rollbacks from `lookbackMs`
   * earlier (to know which commits were already deployed) and changes from twice that.
   */
  loadEvents(options: {
    entityRefs?: string[];
    from: number;
    to: number;
    lookbackMs: number;
  }): Promise<EventSet>;

  /** Distinct deploy streams of the given services. */
  streamsOf(
    entityRefs: string[],
  ): Promise<Array<{ service: string; stream: string }>>;

  /** Service keys that no catalog component claims, most events first. */
  listUnmapped(): Promise<UnmappedServiceKey[]>;

  /** The distinct service keys (and the entity each resolves to now) of one event type. */
  serviceKeys(type: EventType): Promise<ServiceKeyRow[]>;

  /** Points the events of one type with this service key at `entityRef`; returns rows changed. */
  reassign(
    tx: Knex.Transaction,
    type: EventType,
    key: ServiceKeyRow,
    entityRef: string | null,
  ): Promise<number>;

  /** Every service with stored deployments or incidents. */
  eventServices(): Promise<string[]>;

  /** Services (mapped or not) that have ever reported an incident. */
  servicesWithIncidents(): Promise<Set<string>>;

  /**
   * The SHA of the last successful production deployment with this service key that finished
   * before `before` (the base a deployment's commits are counted from).
   */
  previousDeployedSha(
    serviceKeyType: DoraServiceKeyType,
    serviceKey: string,
    before: number,
  ): Promise<{ sha: string; finishedAt: number } | undefined>;

  /** Row counts per table (tests, demo seeding). */
  counts(): Promise<Record<EventType, number>>;

  /**
   * Failed production rollouts (status failure) that finished in [from, to), per service and
   * stream, optionally for some services and one stream.
   */
  failedRollouts(query: {
    services?: string[];
    stream?: string;
    from: number;
    to: number;
  }): Promise<Array<{ service: string; stream: string; count: number }>>;
}

/** Every event type, in the order their tables are visited. */
export const EVENT_TYPES = Object.keys(TABLES) as EventType[];
