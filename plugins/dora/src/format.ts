import {
  DoraBand,
  DoraMetricId,
  DoraMetricResult,
} from '@internal/plugin-dora-common';

/** Titles of the five metrics, as the DORA reports name them. */
export const METRIC_TITLES: Record<DoraMetricId, string> = {
  deploymentFrequency: 'Deployment frequency',
  changeLeadTime: 'Change lead time',
  changeFailureRate: 'Change failure rate',
  failedDeploymentRecoveryTime: 'Failed deployment recovery time',
  deploymentReworkRate: 'Deployment rework rate',
};

/**
 * Band colours: green for elite through red for low. Each carries white text at a contrast of at
 * least 4.5:1 (WCAG AA for small text, which the browser journeys' axe check enforces), so the
 * greens and the amber are darker than the usual palette.
 */
export const BAND_COLOURS: Record<DoraBand, string> = {
  elite: '#146c2e',
  high: '#4a7a16',
  medium: '#8c5e00',
  low: '#c62828',
};

function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

/** A metric's value in words a reader understands at a glance, or an em dash when there is none. */
export function formatMetricValue(
  result: Pick<DoraMetricResult, 'value' | 'unit'>,
): string {
  const { value, unit } = result;
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'deploymentsPerDay':
      return value >= 1
        ? `${value.toFixed(1)} / day`
        : `${(value * 7).toFixed(1)} / week`;
    case 'hours':
      return formatHours(value);
    case 'ratio':
      return `${(value * 100).toFixed(1)} %`;
    default:
      return String(value);
  }
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The working behind a figure: "numerator label: n · denominator label: d". */
export function formatWorking(result: DoraMetricResult): string {
  return `${result.numerator.label}: ${formatCount(result.numerator.value)} · ${
    result.denominator.label
  }: ${formatCount(result.denominator.value)}`;
}
