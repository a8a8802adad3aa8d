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
 * - deploymentFrequency: `minPerDay`, the smallest deployments per day in the band
 * - changeLeadTime and failedDeploymentRecoveryTime: `maxHours`, the largest value in the band
 *   (exclusive for "&lt;" cells); the last band takes everything slower
 * - changeFailureRate: `rate`, the cluster's published failure rate
 *
 * @public
 */
export interface DoraBandCell {
  printed: string;
  minPerDay?: number;
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
        elite: { printed: 'on demand (multiple per day)', minPerDay: 1 },
        high: { printed: 'daily to weekly', minPerDay: 1 / 7 },
        medium: { printed: 'weekly to monthly', minPerDay: 1 / 30 },
        low: { printed: 'weekly to monthly', minPerDay: 0 },
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
        elite: { printed: 'on demand', minPerDay: 1 },
        high: { printed: 'daily to weekly', minPerDay: 1 / 7 },
        medium: { printed: 'weekly to monthly', minPerDay: 1 / 30 },
        low: { printed: 'monthly to every six months', minPerDay: 0 },
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
      'The 2024 report prints a 20% change failure rate for high and 10% for medium (inverted); the published numbers are kept as printed, so a 10% failure rate classes as medium and 20% as high.',
      'The 2024 report prints "< 1 day" recovery time for both high and medium; such figures class as high, and anything over a day as low.',
      CFR_NOTE,
    ],
  },
};

/**
 * The band of a figure under the given year's table, or null when there is no figure.
 *
 * Units: deployment frequency in deployments per day, lead and recovery times in hours, change
 * failure rate as a ratio between 0 and 1.
 *
 * @public
 */
export function classifyDoraBand(
  metric: DoraBandedMetric,
  value: number | null,
  year: DoraBandYear,
): DoraBand | null {
  if (value === null || !Number.isFinite(value)) {
    return null;
  }
  const cells = DORA_BAND_TABLES[year].cells[metric];
  if (metric === 'deploymentFrequency') {
    return (
      DORA_BANDS.find(band => value >= (cells[band].minPerDay ?? 0)) ?? 'low'
    );
  }
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
