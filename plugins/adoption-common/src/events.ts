import { z } from 'zod';

/**
 * Earliest timestamp accepted from any client: older values are a zero date or a unit mistake.
 *
 * @public
 */
export const ADOPTION_EARLIEST_TIMESTAMP = '2005-01-01T00:00:00Z';

/**
 * Tolerated clock skew for timestamps from clients.
 *
 * @public
 */
export const ADOPTION_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Largest batch accepted by the events, tickets and analytics endpoints.
 *
 * @public
 */
export const ADOPTION_MAX_BATCH_SIZE = 1000;

const earliestMs = Date.parse(ADOPTION_EARLIEST_TIMESTAMP);

/** ISO 8601 with an offset, neither absurdly old nor in the future. */
const timestamp = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with offset',
    abort: true,
  })
  .refine(value => Date.parse(value) >= earliestMs, {
    message: `must not be before ${ADOPTION_EARLIEST_TIMESTAMP}`,
  })
  .refine(
    value => Date.parse(value) <= Date.now() + ADOPTION_MAX_CLOCK_SKEW_MS,
    {
      message: 'must not be in the future',
    },
  );

const text = (max: number) => z.string().trim().min(1).max(max);

/** `kind:namespace/name`, as Backstage writes entity references. */
const entityRef = (kind?: string) =>
  z
    .string()
    .trim()
    .max(512)
    .regex(
      kind
        ? new RegExp(`^${kind}:[a-z0-9-_.]+/[a-z0-9-_.]+$`, 'i')
        : /^[a-z0-9-_.]+:[a-z0-9-_.]+\/[a-z0-9-_.]+$/i,
      kind
        ? `must be an entity reference ${kind}:<namespace>/<name>`
        : 'must be an entity reference <kind>:<namespace>/<name>',
    )
    .transform(value => value.toLocaleLowerCase('en-US'));

/**
 * Kinds of infrastructure a portal request can create.
 *
 * @public
 */
export const adoptionRequestKindSchema = z.enum([
  'service',
  'database',
  'site',
  'job',
]);

/** @public */
export type AdoptionRequestKind = z.infer<typeof adoptionRequestKindSchema>;

/**
 * One adoption event (contract 3): the outcome of a golden-path run or a self-service request.
 * `id` is the idempotency key; a repeated id changes nothing.
 *
 * @public
 */
export const adoptionEventInputSchema = z
  .strictObject({
    id: text(256),
    type: z.enum(['template-run', 'self-service']),
    occurredAt: timestamp,
    templateRef: entityRef('template').optional(),
    templateVersion: text(64).optional(),
    taskId: text(256).optional(),
    entityRef: entityRef().optional(),
    owner: entityRef('group').optional(),
    kind: adoptionRequestKindSchema.optional(),
    requestedAt: timestamp.optional(),
    readyAt: timestamp.optional(),
    status: z.enum(['completed', 'failed']).optional(),
    durationMs: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600 * 1000)
      .optional(),
  })
  .refine(
    e =>
      !e.requestedAt ||
      !e.readyAt ||
      Date.parse(e.readyAt) >= Date.parse(e.requestedAt),
    { message: 'must not be before requestedAt', path: ['readyAt'] },
  );

/** @public */
export type AdoptionEventInput = z.infer<typeof adoptionEventInputSchema>;

/**
 * Body of `POST /api/adoption/events`.
 *
 * @public
 */
export const adoptionEventsRequestSchema = z.strictObject({
  events: z.array(adoptionEventInputSchema).min(1).max(ADOPTION_MAX_BATCH_SIZE),
});

/**
 * One ticket of the platform team's ticket system. `externalId` makes re-imports idempotent.
 *
 * @public
 */
export const adoptionTicketInputSchema = z
  .strictObject({
    externalId: text(256),
    category: text(64).transform(value => value.toLocaleLowerCase('en-US')),
    openedAt: timestamp,
    resolvedAt: timestamp.optional(),
    team: entityRef('group').optional(),
  })
  .refine(
    t => !t.resolvedAt || Date.parse(t.resolvedAt) >= Date.parse(t.openedAt),
    { message: 'must not be before openedAt', path: ['resolvedAt'] },
  );

/** @public */
export type AdoptionTicketInput = z.infer<typeof adoptionTicketInputSchema>;

/**
 * Body of `POST /api/adoption/tickets`. Rows are validated one by one: good rows are kept.
 *
 * @public
 */
export const adoptionTicketsRequestSchema = z.strictObject({
  tickets: z
    .array(z.unknown())
    .min(1)
    .max(ADOPTION_MAX_BATCH_SIZE * 10),
});

/**
 * The outcome of a ticket import: what was stored and which rows failed, and why.
 *
 * @public
 */
export interface AdoptionImportReport {
  /** Rows stored (new or updated). */
  imported: number;
  /** Rows whose external id was already stored (updated in place, never duplicated). */
  updated: number;
  failed: Array<{ row: number; externalId?: string; errors: string[] }>;
}

/**
 * One analytics event as the portal's analytics implementation sends it. The user is taken
 * from the request's credentials, never from the body.
 *
 * @public
 */
export const adoptionAnalyticsEventSchema = z.strictObject({
  action: text(64),
  subject: z.string().max(1024),
  at: timestamp,
  pluginId: text(128).optional(),
  extensionId: text(256).optional(),
  value: z.number().finite().optional(),
});

/** @public */
export type AdoptionAnalyticsEvent = z.infer<
  typeof adoptionAnalyticsEventSchema
>;

/**
 * Body of `POST /api/adoption/analytics`.
 *
 * @public
 */
export const adoptionAnalyticsRequestSchema = z.strictObject({
  events: z
    .array(adoptionAnalyticsEventSchema)
    .min(1)
    .max(ADOPTION_MAX_BATCH_SIZE),
});

/**
 * Body of `POST /api/adoption/nps`: a score from 0 to 10 and an optional comment.
 *
 * @public
 */
export const adoptionNpsAnswerSchema = z.strictObject({
  score: z
    .number({ message: 'must be a whole number from 0 to 10' })
    .int({ message: 'must be a whole number from 0 to 10' })
    .min(0, { message: 'must be a whole number from 0 to 10' })
    .max(10, { message: 'must be a whole number from 0 to 10' }),
  comment: z.string().trim().max(2000).optional(),
});

/** @public */
export type AdoptionNpsAnswer = z.infer<typeof adoptionNpsAnswerSchema>;

/**
 * Query of `GET /api/adoption/summary`.
 *
 * @public
 */
export const adoptionSummaryQuerySchema = z.strictObject({
  window: z.coerce.number().int().min(7).max(365).default(90),
});

/** @public */
export type AdoptionSummaryQuery = z.infer<typeof adoptionSummaryQuerySchema>;
