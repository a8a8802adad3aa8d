/**
 * DORA metrics: the event model and its zod schemas, metric result types, the published band tables
 * and the permissions of the DORA backend and dashboards.
 *
 * @packageDocumentation
 */
export {
  DORA_EARLIEST_TIMESTAMP,
  DORA_MAX_BATCH_SIZE,
  DORA_MAX_CLOCK_SKEW_MS,
  doraChangeInputSchema,
  doraDeploymentInputSchema,
  doraDeploymentKindSchema,
  doraDeploymentStatusSchema,
  doraEventInputSchema,
  doraIncidentInputSchema,
  doraIngestRequestSchema,
  doraRollbackInputSchema,
  doraServiceKeyTypeSchema,
} from './events';
export type {
  DoraChangeInput,
  DoraDeploymentInput,
  DoraDeploymentKind,
  DoraDeploymentStatus,
  DoraEventInput,
  DoraIncidentInput,
  DoraIngestRequest,
  DoraRollbackInput,
  DoraServiceKeyType,
} from './events';
export { DORA_METRIC_IDS, doraMetricsQuerySchema } from './metrics';
export type {
  DoraBreakdownRow,
  DoraCount,
  DoraCoverageWarning,
  DoraMetricId,
  DoraMetricResult,
  DoraMetricSet,
  DoraServiceDistribution,
  DoraMetricsQuery,
  DoraMetricsResponse,
  DoraScope,
  DoraTrendPoint,
  DoraUnmappedService,
} from './metrics';
export {
  DORA_BAND_TABLES,
  DORA_BAND_YEARS,
  DORA_BANDS,
  classifyDeploymentFrequency,
  classifyDoraBand,
  hasDoraBand,
} from './bands';
export type {
  DoraBand,
  DoraBandCell,
  DoraBandTable,
  DoraBandYear,
  DoraBandedMetric,
  DoraDeploymentDays,
  DoraNumericBandedMetric,
} from './bands';
export {
  doraMetricsReadPermission,
  doraPermissions,
  doraUnmappedReadPermission,
} from './permissions';
