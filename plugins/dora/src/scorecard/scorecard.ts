import {
  DORA_METRIC_IDS,
  DoraBreakdownRow,
  DoraMetricId,
  DoraMetricResult,
  DoraMetricSet,
} from '@internal/plugin-dora-common';
import {
  AttentionItem,
  ScorecardFigure,
} from '@internal/plugin-leadership-common';
import { METRIC_TITLES, formatMetricValue } from '../format';

/** How a figure moved against the previous period, in the reader's terms. */
export interface MetricChange {
  /** Better or worse for delivery, whatever the sign of the figure's change. */
  verdict: 'better' | 'worse' | 'steady' | 'unknown';
  /** e.g. "+12% vs previous 30 days", "no figure for the previous 30 days". */
  text: string;
}

/** Deployment frequency is better when it rises; the other four are better when they fall. */
const HIGHER_IS_BETTER: Record<DoraMetricId, boolean> = {
  deploymentFrequency: true,
  changeLeadTime: false,
  changeFailureRate: false,
  failedDeploymentRecoveryTime: false,
  deploymentReworkRate: false,
};

/** Moves within this share of the previous figure read as steady rather than as a trend. */
const STEADY_WITHIN = 0.05;

/**
 * The change of one metric against the same-length period before it. Ratios (failure and rework
 * rates) change in percentage points, the others relative to the previous figure.
 */
export function metricChange(
  id: DoraMetricId,
  current: Pick<DoraMetricResult, 'value' | 'unit'>,
  previous: Pick<DoraMetricResult, 'value' | 'unit'>,
  periodLabel: string,
): MetricChange {
  const now = current.value;
  const before = previous.value;
  if (now === null || before === null) {
    return { verdict: 'unknown', text: `no figure for the ${periodLabel}` };
  }
  const suffix = `vs ${periodLabel}`;
  let delta: number;
  let text: string;
  if (current.unit === 'ratio') {
    delta = now - before;
    const points = Math.round(delta * 1000) / 10;
    text = `${points > 0 ? '+' : ''}${points} pp ${suffix}`;
    if (Math.abs(delta) < 0.01) return { verdict: 'steady', text };
  } else {
    if (before === 0) {
      return now === 0
        ? { verdict: 'steady', text: `unchanged ${suffix}` }
        : {
            verdict: HIGHER_IS_BETTER[id] ? 'better' : 'worse',
            text: `up from none ${suffix}`,
          };
    }
    delta = (now - before) / before;
    const percent = Math.round(delta * 100);
    text = `${percent > 0 ? '+' : ''}${percent}% ${suffix}`;
    if (Math.abs(delta) < STEADY_WITHIN) return { verdict: 'steady', text };
  }
  const rose = delta > 0;
  return {
    verdict: rose === HIGHER_IS_BETTER[id] ? 'better' : 'worse',
    text,
  };
}

/** The team row the DORA backend uses for events no component claims. */
export const UNMAPPED_TEAM_REF = 'unmapped';

const BAND_TONES = {
  elite: 'good',
  high: 'good',
  medium: 'fair',
  low: 'poor',
} as const;

/** The scorecard's headline figures: each metric with its band and its change. */
export function doraScorecardFigures(
  current: DoraMetricSet,
  changes: Partial<Record<DoraMetricId, MetricChange>>,
): ScorecardFigure[] {
  return DORA_METRIC_IDS.map(id => {
    const band = current[id].band;
    return {
      id,
      title: METRIC_TITLES[id],
      value: formatMetricValue(current[id]),
      standing: band
        ? { label: `${band} band`, tone: BAND_TONES[band] }
        : { label: 'no band', tone: 'none' },
      change: changes[id],
    };
  });
}

/**
 * What needs attention in a scope's DORA figures: every metric that got worse against the
 * previous period, and every team (or service) one level down with a metric in the low band.
 */
export function doraAttention(options: {
  current: DoraMetricSet;
  changes: Partial<Record<DoraMetricId, MetricChange>>;
  teams: DoraBreakdownRow[];
  /** The DORA page's address of a breakdown row's figures. */
  teamHref: (ref: string) => string;
  organisationHref: string;
}): AttentionItem[] {
  const { current, changes, teams, teamHref, organisationHref } = options;
  const items: AttentionItem[] = [];
  for (const id of DORA_METRIC_IDS) {
    const change = changes[id];
    if (change?.verdict === 'worse') {
      items.push({
        text: `${METRIC_TITLES[id]} got worse: ${formatMetricValue(
          current[id],
        )}, ${change.text}`,
        href: organisationHref,
      });
    }
  }
  for (const team of teams) {
    if (team.ref === UNMAPPED_TEAM_REF || team.ref.startsWith('unmapped:'))
      continue;
    const low = DORA_METRIC_IDS.filter(id => team.metrics[id].band === 'low');
    if (low.length > 0) {
      items.push({
        entityRef: team.ref,
        text: `low band: ${low
          .map(
            id =>
              `${METRIC_TITLES[id].toLowerCase()} ${formatMetricValue(
                team.metrics[id],
              )}`,
          )
          .join(', ')}`,
        href: teamHref(team.ref),
      });
    }
  }
  return items;
}
