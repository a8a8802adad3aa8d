import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AdoptionAnalyticsEvent,
  AdoptionEventInput,
  AdoptionImportReport,
  AdoptionNpsAnswer,
  AdoptionNpsStatus,
} from '@internal/plugin-adoption-common';
import { createHash, createHmac } from 'node:crypto';
import { AdoptionConfig } from '../config';
import {
  AdoptionEventRecord,
  anonymousAnswerTime,
  DAY_MS,
  UsageBatch,
  weekStart,
} from '../domain';
import { ValidatedTickets } from '../ingest/tickets';
import { AdoptionData } from './AdoptionData';

const msOrNull = (iso: string | undefined) => (iso ? Date.parse(iso) : null);

/** Page views are the navigate events of Backstage's analytics API. */
const PAGE_VIEW_ACTION = 'navigate';

/** Converts validated contract 3 events to stored records. */
export function toEventRecords(
  events: AdoptionEventInput[],
): AdoptionEventRecord[] {
  return events.map(e => ({
    id: e.id,
    type: e.type,
    occurredAt: Date.parse(e.occurredAt),
    templateRef: e.templateRef ?? null,
    templateVersion: e.templateVersion ?? null,
    taskId: e.taskId ?? null,
    entityRef: e.entityRef ?? null,
    owner: e.owner ?? null,
    kind: e.kind ?? null,
    requestedAt: msOrNull(e.requestedAt),
    readyAt: msOrNull(e.readyAt),
    status: e.status ?? null,
    durationMs: e.durationMs ?? null,
  }));
}

/**
 * Rolls analytics events up into page views per day and plugin and active users per week. The
 * user key is computed by the caller from the request's credentials, or absent.
 */
export function rollUpAnalytics(
  events: AdoptionAnalyticsEvent[],
  userKey: string | undefined,
): UsageBatch {
  const views = new Map<
    string,
    { day: number; pluginId: string; views: number }
  >();
  const users = new Map<number, { week: number; userKey: string }>();
  for (const e of events) {
    const at = Date.parse(e.at);
    const day = at - (at % DAY_MS);
    if (e.action === PAGE_VIEW_ACTION) {
      const pluginId = e.pluginId ?? 'unknown';
      const key = `${day}\u0000${pluginId}`;
      const existing = views.get(key);
      if (existing) existing.views++;
      else views.set(key, { day, pluginId, views: 1 });
    }
    if (userKey) {
      const week = weekStart(at);
      users.set(week, { week, userKey });
    }
  }
  return { views: [...views.values()], users: [...users.values()] };
}

/** Writes what the ingest endpoints accept; the router has validated every field. */
export class IngestService {
  static create(options: {
    store: AdoptionData;
    config: AdoptionConfig;
    logger: LoggerService;
  }) {
    return new IngestService(options.store, options.config, options.logger);
  }

  private constructor(
    private readonly store: AdoptionData,
    private readonly config: AdoptionConfig,
    private readonly logger: LoggerService,
  ) {}

  /** Stores events; a repeated id is counted as a duplicate and changes nothing. */
  async events(events: AdoptionEventInput[]) {
    const accepted = await this.store.insertEvents(toEventRecords(events));
    if (accepted > 0) await this.store.state.bumpDataVersion();
    return { accepted, duplicates: events.length - accepted };
  }

  /** Stores the good rows of an import and reports the bad ones. */
  async tickets(validated: ValidatedTickets): Promise<AdoptionImportReport> {
    const { inserted, updated } = await this.store.upsertTickets(
      validated.tickets,
    );
    if (validated.tickets.length > 0) await this.store.state.bumpDataVersion();
    this.logger.info(
      `Adoption: imported ${inserted} new and ${updated} updated tickets, ${validated.failed.length} rows rejected`,
    );
    return { imported: inserted + updated, updated, failed: validated.failed };
  }

  /** The analytics key of a user: a salted HMAC, or nothing when identities are dropped. */
  analyticsUserKey(userEntityRef: string | undefined): string | undefined {
    const { identity, salt } = this.config.analytics;
    if (identity === 'drop' || !userEntityRef || !salt) {
      return undefined;
    }
    return createHmac('sha256', salt)
      .update(`analytics:${userEntityRef}`)
      .digest('hex')
      .slice(0, 40);
  }

  async analytics(
    events: AdoptionAnalyticsEvent[],
    userEntityRef: string | undefined,
  ) {
    await this.store.recordUsage(
      rollUpAnalytics(events, this.analyticsUserKey(userEntityRef)),
    );
    // Summaries are computed from rollups, cheap enough to show new usage at once.
    if (events.length > 0) await this.store.state.bumpDataVersion();
    return { accepted: events.length };
  }

  /** The survey's key of a user, for the once-per-period rule; never returned or logged. */
  private npsUserKey(userEntityRef: string): string {
    const salt = this.config.analytics.salt;
    return (
      salt
        ? createHmac('sha256', salt).update(`nps:${userEntityRef}`)
        : createHash('sha256').update(`nps:${userEntityRef}`)
    )
      .digest('hex')
      .slice(0, 40);
  }

  private periodStart(now: number) {
    return now - this.config.nps.periodDays * DAY_MS;
  }

  async npsStatus(
    userEntityRef: string,
    now = Date.now(),
  ): Promise<AdoptionNpsStatus> {
    const prompt = await this.store.nps.prompt(this.npsUserKey(userEntityRef));
    const last = Math.max(prompt?.answeredAt ?? 0, prompt?.dismissedAt ?? 0);
    return {
      due: last < this.periodStart(now),
      periodDays: this.config.nps.periodDays,
      anonymous: this.config.nps.anonymous,
    };
  }

  async npsAnswer(
    userEntityRef: string,
    answer: AdoptionNpsAnswer,
    now = Date.now(),
  ) {
    const userKey = this.npsUserKey(userEntityRef);
    const { anonymous } = this.config.nps;
    await this.store.recordNpsAnswer({
      userKey,
      storeUserKey: !anonymous,
      score: answer.score,
      comment: answer.comment ? answer.comment : null,
      now,
      answeredAt: anonymous ? anonymousAnswerTime(now) : now,
      notBefore: this.periodStart(now),
    });
    await this.store.state.bumpDataVersion();
  }

  async npsDismiss(userEntityRef: string, now = Date.now()) {
    await this.store.nps.dismiss(this.npsUserKey(userEntityRef), now);
  }
}
