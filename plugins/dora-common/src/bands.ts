/**
 * DORA performance bands, as published, and the classification of a figure into a band.
 *
 * The printed cell texts are kept verbatim (see docs of the DORA reports) so the dashboards can show
 * exactly which table is in force.
 */

/** @public */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

/** @public */
export const DORA_BANDS: readonly DoraBand[] = [
  'elite',
  'high',
  'medium',
  'low',
];

/** @public */
export type DoraBandYear = '2023' | '2024';

/** @public */
export const DORA_BAND_YEARS: readonly DoraBandYear[] = ['2023', '2024'];

/**
 * The four banded metrics (deployment rework rate has no published bands).
 *
 * @public
 */
export type DoraBandedMetric =
  | 'deploymentFrequency'
  | 'changeLeadTime'
  | 'changeFailureRate'
  | 'failedDeploymentRecoveryTime';

/**
 * One cell: the printed text and the number used to classify a figure.
 *
 * - deploymentFrequency: no number; the band comes from the distribution of deployment days
 *   (`classifyDeploymentFrequency`)
 * - changeLeadTime and failedDeploymentRecoveryTime: `maxHours`, the largest value in the band
 *   (exclusive for "&lt;" cells); the last band takes everything slower
 * - changeFailureRate: `rate`, the cluster's published failure rate
 *
 * @public
 */
export interface DoraBandCell {
  printed: string;
  maxHours?: number;
  rate?: number;
}

/** @public */
export interface DoraBandTable {
  year: DoraBandYear;
  cells: Record<DoraBandedMetric, Record<DoraBand, DoraBandCell>>;
  /** Oddities of the table as published, shown next to any band. */
  notes: string[];
}

const HOUR = 1;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

const CFR_NOTE =
  'Change failure rate bands are the clusters\u2019 published failure rates, not ranges: a figure takes the band whose published rate is nearest.';

/**
 * The bands of the 2023 and 2024 DORA reports, cell for cell as printed.
 *
 * @public
 */
export const DORA_BAND_TABLES: Record<DoraBandYear, DoraBandTable> = {
  '2023': {
    year: '2023',
    cells: {
      deploymentFrequency: {
        elite: { printed: 'on demand (multiple per day)' },
        high: { printed: 'daily to weekly' },
        medium: { printed: 'weekly to monthly' },
        low: { printed: 'weekly to monthly' },
      },
      changeLeadTime: {
        elite: { printed: '< 1 day', maxHours: DAY },
        high: { printed: '1 day - 1 week', maxHours: WEEK },
        medium: { printed: '1 week - 1 month', maxHours: MONTH },
        low: { printed: '1 week - 1 month', maxHours: Infinity },
      },
      changeFailureRate: {
        elite: { printed: '5%', rate: 0.05 },
        high: { printed: '10%', rate: 0.1 },
        medium: { printed: '15%', rate: 0.15 },
        low: { printed: '64%', rate: 0.64 },
      },
      failedDeploymentRecoveryTime: {
        elite: { printed: '< 1 hour', maxHours: HOUR },
        high: { printed: '< 1 day', maxHours: DAY },
        medium: { printed: '1 day - 1 week', maxHours: WEEK },
        low: { printed: '1 - 6 months', maxHours: Infinity },
      },
    },
    notes: [
      'The 2023 report prints the same deployment frequency ("weekly to monthly") and lead time ("1 week - 1 month") for medium and low; slower than monthly deployments or lead times over a month are classed low.',
      CFR_NOTE,
    ],
  },
  '2024': {
    year: '2024',
    cells: {
      deploymentFrequency: {
        elite: { printed: 'on demand' },
        high: { printed: 'daily to weekly' },
        medium: { printed: 'weekly to monthly' },
        low: { printed: 'monthly to every six months' },
      },
      changeLeadTime: {
        elite: { printed: '< 1 day', maxHours: DAY },
        high: { printed: '1 day - 1 week', maxHours: WEEK },
        medium: { printed: '1 week - 1 month', maxHours: MONTH },
        low: { printed: '1 - 6 months', maxHours: Infinity },
      },
      changeFailureRate: {
        elite: { printed: '5%', rate: 0.05 },
        high: { printed: '20%', rate: 0.2 },
        medium: { printed: '10%', rate: 0.1 },
        low: { printed: '40%', rate: 0.4 },
      },
      failedDeploymentRecoveryTime: {
        elite: { printed: '< 1 hour', maxHours: HOUR },
        high: { printed: '< 1 day', maxHours: DAY },
        medium: { printed: '< 1 day', maxHours: DAY },
        low: { printed: '1 week - 1 month', maxHours: Infinity },
      },
    },
    notes: [
      'The 2024 report prints a 20% change failure rate for high and 10% for medium (inverted); the published numbers are kept as printed but, not being monotonic, give no change failure rate band under the 2024 table (as for rework).',
      'The 2024 report prints "< 1 day" recovery time for both high and medium; such figures class as high, and anything over a day as low.',
    ],
  },
};

/**
 * Bands whose thresholds are numbers: lead time, change failure rate and recovery time. Deployment
 * frequency is banded on deployment days (`classifyDeploymentFrequency`).
 *
 * @public
 */
export type DoraNumericBandedMetric = Exclude<
  DoraBandedMetric,
  'deploymentFrequency'
>;

/**
 * Whether a year's table gives a single-metric band for a metric. The 2024 change failure rates
 * (5 %, 20 %, 10 %, 40 % as printed) are not monotonic, so no 2024 failure rate band is given.
 *
 * @public
 */
export function hasDoraBand(
  metric: DoraBandedMetric,
  year: DoraBandYear,
): boolean {
  return !(metric === 'changeFailureRate' && year === '2024');
}

/**
 * The band of a figure under the given year's table, or null when there is no figure or the
 * table gives no band for the metric (`hasDoraBand`).
 *
 * Units: lead and recovery times in hours, change failure rate as a ratio between 0 and 1.
 *
 * @public
 */
export function classifyDoraBand(
  metric: DoraNumericBandedMetric,
  value: number | null,
  year: DoraBandYear,
): DoraBand | null {
  if (value === null || !Number.isFinite(value) || !hasDoraBand(metric, year)) {
    return null;
  }
  const cells = DORA_BAND_TABLES[year].cells[metric];
  if (metric === 'changeFailureRate') {
    // Nearest published cluster rate; ties go to the better band (elite first).
    let best: DoraBand = 'elite';
    for (const band of DORA_BANDS) {
      if (
        Math.abs(value - (cells[band].rate ?? 0)) <
        Math.abs(value - (cells[best].rate ?? 0))
      ) {
        best = band;
      }
    }
    return best;
  }
  // Lead and recovery time: "< x" cells are exclusive, ranges inclusive of their upper end.
  for (const band of DORA_BANDS) {
    const max = cells[band].maxHours ?? Infinity;
    const exclusive = cells[band].printed.startsWith('<');
    if (exclusive ? value < max : value <= max) {
      return band;
    }
  }
  return 'low';
}

/**
 * What deployment frequency is banded on: the distribution of deployment days, not a count.
 *
 * @public
 */
export interface DoraDeploymentDays {
  /** Median number of days with a deployment over the window's 7-day periods. */
  medianDeploymentDaysPerWeek: number;
  /** Median number of days with a deployment over the window's 30-day periods. */
  medianDeploymentDaysPerMonth: number;
  /** Deployments per day with a deployment. */
  deploymentsPerDeploymentDay: number;
}

/**
 * The deployment frequency band, on the distribution of deployment days as Four Keys
 * (`dashboard/fourkeys_dashboard.json`: median days per week at least 3 "daily", median week deployed
 * "weekly", median month deployed "monthly") and Apache DevLake (DORA dashboard: median deployment
 * days per week and per month) do, with the reports' "multiple per day" for on demand:
 *
 * - elite (on demand, multiple per day): the median week has at least 3 deployment days and a
 *   deployment day has 2 or more deployments on average;
 * - high (daily to weekly): the median week has a deployment day;
 * - medium (weekly to monthly): the median month has a deployment day;
 * - low: less often. Null without any deployment.
 *
 * @public
 */
export function classifyDeploymentFrequency(
  days: DoraDeploymentDays | null,
): DoraBand | null {
  if (!days || days.deploymentsPerDeploymentDay === 0) {
    return null;
  }
  if (
    days.medianDeploymentDaysPerWeek >= 3 &&
    days.deploymentsPerDeploymentDay >= 2
  ) {
    return 'elite';
  }
  if (days.medianDeploymentDaysPerWeek >= 1) {
    return 'high';
  }
  if (days.medianDeploymentDaysPerMonth >= 1) {
    return 'medium';
  }
  return 'low';
}
