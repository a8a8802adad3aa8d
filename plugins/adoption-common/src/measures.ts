/**
 * The measures of `GET /api/adoption/summary`. Shares are fractions (0..1), durations are
 * milliseconds or hours as named, and every figure that cannot be computed is null, never 0.
 */

/** @public */
export interface AdoptionCoverageRow {
  /** Owning group ref, or `all` for the organisation. */
  team: string;
  components: number;
  fromTemplate: number;
  onLatestVersion: number;
  /** fromTemplate / components. */
  coverage: number | null;
  /** onLatestVersion / fromTemplate. */
  latestShare: number | null;
}

/** @public */
export interface AdoptionCoverageMeasure {
  target: number;
  overall: AdoptionCoverageRow;
  teams: AdoptionCoverageRow[];
  templates: Array<{
    templateRef: string;
    latestVersion: string | null;
    components: number;
    onLatestVersion: number;
  }>;
}

/** @public */
export interface AdoptionTemplateRunFailure {
  templateRef: string;
  step: string;
  message: string;
  count: number;
  lastAt: string;
}

/** @public */
export interface AdoptionTemplateRunsMeasure {
  count: number;
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed); runs still in progress are left out. */
  successRate: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  failures: AdoptionTemplateRunFailure[];
  templates: Array<{
    templateRef: string;
    count: number;
    succeeded: number;
    failed: number;
    successRate: number | null;
    p50DurationMs: number | null;
  }>;
  trend: Array<{
    weekStart: string;
    count: number;
    succeeded: number;
    failed: number;
    successRate: number | null;
  }>;
}

/** @public */
export interface AdoptionLeadTimeRow {
  team: string;
  /** Components created in the window that reached production. */
  deployed: number;
  /** Components created in the window not yet deployed to production. */
  pending: number;
  p50Hours: number | null;
  p95Hours: number | null;
}

/** @public */
export interface AdoptionTimeToFirstDeployMeasure {
  targetHours: number;
  overall: AdoptionLeadTimeRow;
  teams: AdoptionLeadTimeRow[];
}

/** @public */
export interface AdoptionSelfServiceRow {
  team: string;
  portalRequests: number;
  tickets: number;
  noTicketShare: number | null;
}

/** @public */
export interface AdoptionSelfServiceMeasure {
  target: number;
  overall: AdoptionSelfServiceRow;
  teams: AdoptionSelfServiceRow[];
  /** Median request-to-Ready time of portal requests. */
  portalTimeToReadyP50Hours: number | null;
  /** Median open-to-resolved time of tickets. */
  ticketTimeToResolveP50Hours: number | null;
  categories: Array<{ category: string; tickets: number }>;
  trend: Array<{
    weekStart: string;
    portalRequests: number;
    tickets: number;
    noTicketShare: number | null;
  }>;
}

/** @public */
export interface AdoptionUsageMeasure {
  /** `hash`: users are counted by salted hash; `drop`: identities are not kept, no user counts. */
  identity: 'hash' | 'drop';
  weeklyActiveUsers: number | null;
  pageViews: number;
  plugins: Array<{ pluginId: string; pageViews: number }>;
  trend: Array<{
    weekStart: string;
    activeUsers: number | null;
    pageViews: number;
  }>;
}

/** @public */
export interface AdoptionNpsMeasure {
  /** % promoters (9-10) minus % detractors (0-6), from -100 to 100. */
  score: number | null;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  trend: Array<{ monthStart: string; score: number | null; responses: number }>;
}

/** @public */
export interface AdoptionRoiMeasure {
  currency: string;
  hoursSaved: number;
  value: number;
  cost: number;
  /** (value - cost) / cost; null without a cost. */
  roi: number | null;
  assumptions: Array<{
    name: string;
    value: string;
    source: 'config' | 'measured';
  }>;
}

/** @public */
export interface AdoptionSummary {
  window: { from: string; to: string; days: number };
  /** When the figures were computed (the dashboards read stored summaries). */
  computedAt: string;
  demoData: boolean;
  coverage: AdoptionCoverageMeasure;
  templateRuns: AdoptionTemplateRunsMeasure;
  timeToFirstDeploy: AdoptionTimeToFirstDeployMeasure;
  selfService: AdoptionSelfServiceMeasure;
  usage: AdoptionUsageMeasure;
  nps: AdoptionNpsMeasure;
  roi: AdoptionRoiMeasure;
}

/**
 * `GET /api/adoption/nps/status`: whether the survey is due for the signed-in user.
 *
 * @public
 */
export interface AdoptionNpsStatus {
  due: boolean;
  periodDays: number;
  anonymous: boolean;
}

/**
 * A service created from a golden path at an older version than the template's current one;
 * `portal:template:upgrade` (template `upgrade-golden-path`) proposes the newer version to it.
 *
 * @public
 */
export interface ServiceBehindLatest {
  entityRef: string;
  owner: string | null;
  templateRef: string;
  version: string;
  latestVersion: string;
}

/** Answer of `GET /behind-latest`. @public */
export interface ServicesBehindLatestResponse {
  items: ServiceBehindLatest[];
}
