import { z } from 'zod';

/**
 * Earliest timestamp accepted from any source. Older values are almost always a zero date or a unit
 * mistake (seconds read as milliseconds), not real history.
 *
 * @public
 */
export const DORA_EARLIEST_TIMESTAMP = '2005-01-01T00:00:00Z';

/**
 * How far in the future a timestamp may be, to tolerate clock skew between the source and us.
 *
 * @public
 */
export const DORA_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Largest number of events accepted in one batch request.
 *
 * @public
 */
export const DORA_MAX_BATCH_SIZE = 1000;

const earliestMs = Date.parse(DORA_EARLIEST_TIMESTAMP);

/** ISO 8601 with an offset, neither absurdly old nor in the future. */
const timestamp = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with offset',
  })
  .refine(value => Date.parse(value) >= earliestMs, {
    message: `must not be before ${DORA_EARLIEST_TIMESTAMP}`,
  })
  .refine(value => Date.parse(value) <= Date.now() + DORA_MAX_CLOCK_SKEW_MS, {
    message: 'must not be in the future',
  });

const identifier = z.string().trim().min(1).max(256);
const commitSha = z
  .string()
  .regex(/^[0-9a-f]{7,64}$/i, 'must be a hex commit SHA of 7 to 64 characters')
  .transform(value => value.toLowerCase());

/**
 * How an event names the service it belongs to. The backend maps each kind to a catalog component
 * through the matching annotation.
 *
 * - `entity`: an entity reference or a component name (`component:default/payments-api`, `payments-api`)
 * - `github`: a repository slug (`github.com/project-slug`)
 * - `gitlab`: a GitLab project path with its groups, `path_with_namespace` (`gitlab.com/project-slug`)
 * - `argocd`: an Argo CD application name (`argocd/app-name`)
 * - `pagerduty`: a PagerDuty service id (`pagerduty.com/service-id`)
 *
 * @public
 */
export const doraServiceKeyTypeSchema = z.enum([
  'entity',
  'github',
  'gitlab',
  'argocd',
  'pagerduty',
]);

/** @public */
export type DoraServiceKeyType = z.infer<typeof doraServiceKeyTypeSchema>;

/**
 * The statuses a deployment passes through. Only `success` counts as a deployment in the metrics.
 *
 * @public
 */
export const doraDeploymentStatusSchema = z.enum([
  'queued',
  'in_progress',
  'success',
  'failure',
  'cancelled',
]);

/** @public */
export type DoraDeploymentStatus = z.infer<typeof doraDeploymentStatusSchema>;

/**
 * Why a deployment was made: `regular` (planned work), `hotfix` (unplanned, to fix a problem in
 * production) or `rollback`. Hotfixes and rollbacks are the numerator of deployment rework rate.
 *
 * @public
 */
export const doraDeploymentKindSchema = z.enum([
  'regular',
  'hotfix',
  'rollback',
]);

/** @public */
export type DoraDeploymentKind = z.infer<typeof doraDeploymentKindSchema>;

const serviceFields = {
  service: identifier,
  serviceKeyType: doraServiceKeyTypeSchema.default('entity'),
};

/**
 * A deployment of a service to one deploy stream (an environment, optionally split by region or
 * monorepo package).
 *
 * @public
 */
export const doraDeploymentInputSchema = z
  .object({
    type: z.literal('deployment'),
    id: identifier,
    ...serviceFields,
    environment: identifier,
    stream: identifier.optional(),
    version: z.string().max(256).optional(),
    commitSha: commitSha.optional(),
    commits: z.array(commitSha).max(10000).optional(),
    status: doraDeploymentStatusSchema,
    kind: doraDeploymentKindSchema.default('regular'),
    startedAt: timestamp,
    finishedAt: timestamp.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (
      value.finishedAt &&
      Date.parse(value.finishedAt) < Date.parse(value.startedAt)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['finishedAt'],
        message: 'must not be before startedAt',
      });
    }
    if (['success', 'failure'].includes(value.status) && !value.finishedAt) {
      ctx.addIssue({
        code: 'custom',
        path: ['finishedAt'],
        message: `is required when status is ${value.status}`,
      });
    }
  });

/**
 * A commit. Every commit counts in change lead time, whether or not it came through a pull request.
 *
 * @public
 */
export const doraChangeInputSchema = z
  .object({
    type: z.literal('change'),
    ...serviceFields,
    sha: commitSha,
    authoredAt: timestamp.optional(),
    committedAt: timestamp,
    pullRequest: z
      .object({
        number: z.number().int().positive().max(1e9),
        // Shown as a link: only http(s), never javascript: or data: URLs.
        url: z
          .string()
          .url()
          .max(2048)
          .refine(value => /^https?:$/.test(new URL(value).protocol), {
            message: 'must be an http or https URL',
          })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * An incident: a failure in production that needed remediation.
 *
 * @public
 */
export const doraIncidentInputSchema = z
  .object({
    type: z.literal('incident'),
    id: identifier,
    ...serviceFields,
    title: z.string().max(1024).optional(),
    severity: z.string().max(64).optional(),
    openedAt: timestamp,
    resolvedAt: timestamp.optional(),
    causeDeploymentId: identifier.optional(),
    causeCommitSha: commitSha.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (
      value.resolvedAt &&
      Date.parse(value.resolvedAt) < Date.parse(value.openedAt)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['resolvedAt'],
        message: 'must not be before openedAt',
      });
    }
  });

/**
 * A rollback of a deployment. The rolled-back deployment counts as failed; the deployment that
 * performed the rollback (if reported) counts as rework.
 *
 * @public
 */
export const doraRollbackInputSchema = z
  .object({
    type: z.literal('rollback'),
    id: identifier,
    ...serviceFields,
    environment: identifier,
    stream: identifier.optional(),
    rolledBackDeploymentId: identifier,
    rollbackDeploymentId: identifier.optional(),
    at: timestamp,
  })
  .strict();

/**
 * Any event accepted by the generic ingest API, discriminated by `type`.
 *
 * @public
 */
export const doraEventInputSchema = z.discriminatedUnion('type', [
  doraDeploymentInputSchema,
  doraChangeInputSchema,
  doraIncidentInputSchema,
  doraRollbackInputSchema,
]);

/**
 * The body of `POST /events`: one event, or `{ events: [...] }` for a batch.
 *
 * @public
 */
export const doraIngestRequestSchema = z.union([
  doraEventInputSchema,
  z
    .object({
      events: z.array(doraEventInputSchema).min(1).max(DORA_MAX_BATCH_SIZE),
    })
    .strict(),
]);

/** @public */
export type DoraDeploymentInput = z.infer<typeof doraDeploymentInputSchema>;
/** @public */
export type DoraChangeInput = z.infer<typeof doraChangeInputSchema>;
/** @public */
export type DoraIncidentInput = z.infer<typeof doraIncidentInputSchema>;
/** @public */
export type DoraRollbackInput = z.infer<typeof doraRollbackInputSchema>;
/** @public */
export type DoraEventInput = z.infer<typeof doraEventInputSchema>;
/** @public */
export type DoraIngestRequest = z.infer<typeof doraIngestRequestSchema>;
