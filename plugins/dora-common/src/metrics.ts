import { z } from 'zod';
import { DoraBand, DoraBandYear } from './bands';

/**
 * The five DORA metrics.
 *
 * @public
 */
export type DoraMetricId =
  | 'deploymentFrequency'
  | 'changeLeadTime'
  | 'changeFailureRate'
  | 'failedDeploymentRecoveryTime'
  | 'deploymentReworkRate';

/** @public */
export const DORA_METRIC_IDS: readonly DoraMetricId[] = [
  'deploymentFrequency',
  'changeLeadTime',
  'changeFailureRate',
  'failedDeploymentRecoveryTime',
  'deploymentReworkRate',
];

/**
 * What a metric is aggregated over.
 *
 * @public
 */
export type DoraScope = 'organisation' | 'team' | 'service' | 'stream';

/**
 * A condition that limits how far a figure can be trusted, such as services that deploy but have no
 * incident source, or incidents linked to deployments by the time-window fallback.
 *
 * @public
 */
export interface DoraCoverageWarning {
  code:
    | 'no-deployments'
    | 'no-changes'
    | 'no-incident-source'
    | 'fallback-incident-links'
    | 'unlinked-incidents'
    | 'commits-inferred'
    | 'unresolved-incidents'
    | 'no-band-defined'
    | 'failed-rollouts'
    | 'approximate-median';
  message: string;
}

/**
 * One number with what it counts.
 *
 * @public
 */
export interface DoraCount {
  label: string;
  value: number;
}

/**
 * One metric with the working behind it.
 *
 * @public
 */
export interface DoraMetricResult {
  metric: DoraMetricId;
  /** The figure, or null when there is nothing to compute it from. */
  value: number | null;
  unit: 'deploymentsPerDay' | 'hours' | 'ratio';
  /** The definition in force, in words. */
  definition: string;
  numerator: DoraCount;
  denominator: DoraCount;
  /** How many stored events the figure was computed from. */
  eventCount: number;
  band: DoraBand | null;
  warnings: DoraCoverageWarning[];
  /** Metric-specific extras, such as deployments per week or days with a deployment. */
  details: Record<string, number>;
  /**
   * Team and organisation scopes: the figure is the median of the per-service figures and the
   * band the one at least half of the services reach; this is the distribution behind them.
   */
  distribution?: DoraServiceDistribution;
}

/**
 * How a team's or the organisation's services spread over a metric: never a band of a sum.
 *
 * @public
 */
export interface DoraServiceDistribution {
  /** Services with a figure for the metric. */
  services: number;
  /** Services in scope without a figure (no deployment, nothing recovered). */
  withoutValue: number;
  /** Median of the per-service figures, or null without any. */
  median: number | null;
  /** Services per band of their own figure. */
  bands: Record<DoraBand, number>;
  /** Services with a figure but no band (no band published for it). */
  withoutBand: number;
}

/**
 * All five metrics for one scope and window.
 *
 * @public
 */
export type DoraMetricSet = Record<DoraMetricId, DoraMetricResult>;

/**
 * One week of the trend series (weeks start on Monday, UTC).
 *
 * @public
 */
export interface DoraTrendPoint {
  weekStart: string;
  deploymentsPerDay: number | null;
  changeLeadTimeHours: number | null;
  changeFailureRate: number | null;
  failedDeploymentRecoveryTimeHours: number | null;
  deploymentReworkRate: number | null;
  deployments: number;
}

/**
 * The metrics of one child of the requested scope (a team of the organisation, a service of a team,
 * a stream of a service).
 *
 * @public
 */
export interface DoraBreakdownRow {
  scope: DoraScope;
  ref: string;
  metrics: DoraMetricSet;
}

/**
 * The response of `GET /metrics`.
 *
 * @public
 */
export interface DoraMetricsResponse {
  scope: DoraScope;
  ref: string;
  window: { from: string; to: string; days: number };
  bandYear: DoraBandYear;
  /** Notes on the band table in force, such as the inverted 2024 failure rates. */
  bandNotes: string[];
  metrics: DoraMetricSet;
  trend: DoraTrendPoint[];
  breakdown: DoraBreakdownRow[];
}

/**
 * Query parameters of `GET /metrics`.
 *
 * @public
 */
export const doraMetricsQuerySchema = z
  .object({
    scope: z.enum(['organisation', 'team', 'service', 'stream']),
    ref: z.string().trim().min(1).max(512).optional(),
    window: z.enum(['7', '30', '90']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    bandYear: z.enum(['2023', '2024']).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.scope !== 'organisation' && !value.ref) {
      ctx.addIssue({
        code: 'custom',
        path: ['ref'],
        message: `is required for scope ${value.scope}`,
      });
    }
    if (value.window && (value.from || value.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: 'cannot be combined with from/to',
      });
    }
    if ((value.from && !value.to) || (!value.from && value.to)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.from ? 'to' : 'from'],
        message: 'from and to must be given together',
      });
    }
    if (
      value.from &&
      value.to &&
      Date.parse(value.from) >= Date.parse(value.to)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'must be after from',
      });
    }
  });

/** @public */
export type DoraMetricsQuery = z.infer<typeof doraMetricsQuerySchema>;

/**
 * An event whose service could not be mapped to a catalog component.
 *
 * @public
 */
export interface DoraUnmappedService {
  serviceKeyType: string;
  service: string;
  /** The annotation a component needs to claim these events. */
  annotation: string;
  eventCount: number;
  lastSeenAt: string;
}
