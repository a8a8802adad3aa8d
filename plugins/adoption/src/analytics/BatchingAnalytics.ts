import {
  AnalyticsEvent,
  AnalyticsImplementation,
} from '@backstage/frontend-plugin-api';
import { AdoptionAnalyticsEvent } from '@internal/plugin-adoption-common';

/** Sends events in batches: at most this many per request... */
export const MAX_BATCH = 50;
/** ...and at least this often while events are waiting. */
export const FLUSH_INTERVAL_MS = 10_000;
/** Events kept while the backend cannot be reached; older ones are dropped. */
const MAX_BUFFER = 500;

const clip = (value: string | undefined, max: number) =>
  value === undefined ? undefined : value.slice(0, max);

/**
 * The portal's implementation of Backstage's Analytics API: collects events and sends them in
 * batches to the adoption backend, which counts page views per plugin and (hashed) active users.
 * The user's identity is never sent: the backend takes it from the request's credentials.
 * Failures never reach the user; events that cannot be sent are retried, then dropped.
 */
export class BatchingAnalytics implements AnalyticsImplementation {
  private buffer: AdoptionAnalyticsEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending = false;

  constructor(
    private readonly send: (events: AdoptionAnalyticsEvent[]) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', () => void this.flush());
    }
  }

  captureEvent(event: AnalyticsEvent): void {
    const action = clip(event.action, 64);
    if (!action) return;
    this.buffer.push({
      action,
      subject: clip(event.subject, 1024) ?? '',
      at: new Date(this.now()).toISOString(),
      pluginId: clip(event.context.pluginId || undefined, 128),
      extensionId: clip(event.context.extensionId || undefined, 256),
      ...(typeof event.value === 'number' && Number.isFinite(event.value)
        ? { value: event.value }
        : {}),
    });
    if (this.buffer.length > MAX_BUFFER) {
      this.buffer.splice(0, this.buffer.length - MAX_BUFFER);
    }
    if (this.buffer.length >= MAX_BATCH) {
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, FLUSH_INTERVAL_MS);
    }
  }

  /** Sends what is waiting, one batch at a time. */
  async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, MAX_BATCH);
        try {
          await this.send(batch);
          this.buffer.splice(0, batch.length);
        } catch {
          // Not signed in yet, or the backend is away: keep the events for the next flush.
          this.timer ??= setTimeout(() => {
            this.timer = undefined;
            void this.flush();
          }, FLUSH_INTERVAL_MS * 3);
          return;
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
