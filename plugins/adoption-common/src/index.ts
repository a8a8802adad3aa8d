/**
 * Adoption dashboards: the ingest schemas (adoption events, tickets, analytics events, NPS
 * answers), the measures' result types and the permissions of the adoption backend and page.
 *
 * @packageDocumentation
 */
export {
  ADOPTION_EARLIEST_TIMESTAMP,
  ADOPTION_MAX_BATCH_SIZE,
  ADOPTION_MAX_CLOCK_SKEW_MS,
  adoptionAnalyticsEventSchema,
  adoptionAnalyticsRequestSchema,
  adoptionEventInputSchema,
  adoptionEventsRequestSchema,
  adoptionNpsAnswerSchema,
  adoptionRequestKindSchema,
  adoptionSummaryQuerySchema,
  adoptionTicketInputSchema,
  adoptionTicketsRequestSchema,
} from './events';
export type {
  AdoptionAnalyticsEvent,
  AdoptionEventInput,
  AdoptionImportReport,
  AdoptionNpsAnswer,
  AdoptionRequestKind,
  AdoptionSummaryQuery,
  AdoptionTicketInput,
} from './events';
export type {
  AdoptionCoverageMeasure,
  AdoptionCoverageRow,
  AdoptionLeadTimeRow,
  AdoptionNpsMeasure,
  AdoptionNpsStatus,
  AdoptionRoiMeasure,
  AdoptionSelfServiceMeasure,
  AdoptionSelfServiceRow,
  AdoptionSummary,
  AdoptionTemplateRunFailure,
  AdoptionTemplateRunsMeasure,
  AdoptionTimeToFirstDeployMeasure,
  AdoptionUsageMeasure,
  ServiceBehindLatest,
  ServicesBehindLatestResponse,
} from './measures';
export {
  adoptionPermissions,
  adoptionTicketsImportPermission,
} from './permissions';
