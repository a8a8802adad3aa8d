import { z } from 'zod';
import { WebhookResult } from '../domain/events';
import { parseWith } from '@internal/plugin-portal-node';

const iso = z.iso.datetime({ offset: true });

const payload = z.object({
  event: z.object({
    id: z.string().min(1).max(256),
    event_type: z.string().max(128),
    occurred_at: iso,
    data: z.object({
      id: z.string().min(1).max(256),
      type: z.string().max(64).optional(),
      title: z.string().max(1024).optional(),
      created_at: iso.optional(),
      urgency: z.string().max(64).optional(),
      priority: z
        .object({ summary: z.string().max(64).optional() })
        .nullable()
        .optional(),
      service: z.object({ id: z.string().min(1).max(256) }),
    }),
  }),
});

/**
 * Converts a verified PagerDuty v3 webhook. `incident.triggered` opens an incident,
 * `incident.resolved` resolves it; either may arrive first. Other event types are ignored.
 */
export function normalizePagerDutyWebhook(body: unknown): WebhookResult {
  const { event } = parseWith(payload, body, 'PagerDuty v3 webhook');
  const { data } = event;
  if (
    event.event_type !== 'incident.triggered' &&
    event.event_type !== 'incident.resolved'
  ) {
    return { ignored: `PagerDuty event '${event.event_type}' is not recorded` };
  }
  const occurredAt = Date.parse(event.occurred_at);
  const openedAt = data.created_at ? Date.parse(data.created_at) : occurredAt;
  return {
    events: [
      {
        type: 'incident',
        source: 'pagerduty',
        externalId: data.id,
        serviceKeyType: 'pagerduty',
        serviceKey: data.service.id,
        title: data.title,
        severity: data.priority?.summary ?? data.urgency,
        openedAt: Math.min(openedAt, occurredAt),
        resolvedAt:
          event.event_type === 'incident.resolved' ? occurredAt : undefined,
      },
    ],
  };
}
