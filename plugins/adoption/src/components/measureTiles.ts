import { AdoptionSummary } from '@internal/plugin-adoption-common';
import {
  formatDuration,
  formatFigure,
  formatHours,
  formatMoney,
  formatNps,
  NPS_SCALE,
  formatShare,
  meetsTarget,
} from '../format';

/** Whether a tile's figure meets its target, and the target as shown on the chip. */
export interface MeasureTarget {
  met: boolean | null;
  label: string;
}

/** One tile of the measures at a glance. */
export interface MeasureTileDefinition {
  /** Suffix of the tile's test id `adoption-measure-<id>`, which the browser tests look for. */
  id: string;
  title: string;
  /** The headline figure. */
  value: (summary: AdoptionSummary) => string;
  /** The scale a figure is read on, where it is not obvious (NPS). */
  scale?: string;
  target?: (summary: AdoptionSummary) => MeasureTarget;
  /** The figures behind the headline, one line each. */
  details: (summary: AdoptionSummary) => string[];
}

function againstTarget(
  value: number | null,
  target: number,
  direction: 'atLeast' | 'atMost',
  format: (value: number) => string,
): MeasureTarget {
  return {
    met: meetsTarget(value, target, direction),
    label: `target ${direction === 'atLeast' ? '≥' : '≤'} ${format(target)}`,
  };
}

/** A share that should reach its target: "target ≥ 80%". */
export function shareAtLeast(share: number | null, target: number) {
  return againstTarget(share, target, 'atLeast', formatShare);
}

/** Hours that should stay within their target: "target ≤ 24 h". */
export function hoursAtMost(hours: number | null, targetHours: number) {
  return againstTarget(hours, targetHours, 'atMost', formatHours);
}

/** The measures at a glance, in the order shown. */
export const measureTiles: MeasureTileDefinition[] = [
  {
    id: 'coverage',
    title: 'Golden-path coverage',
    value: ({ coverage }) => formatShare(coverage.overall.coverage),
    target: ({ coverage }) =>
      shareAtLeast(coverage.overall.coverage, coverage.target),
    details: ({ coverage: { overall: o } }) => [
      `${o.fromTemplate} of ${o.components} components from a template; ` +
        `${formatShare(o.latestShare)} on the latest template version`,
    ],
  },
  {
    id: 'templateRuns',
    title: 'Template runs',
    value: ({ templateRuns }) => String(templateRuns.count),
    details: ({ templateRuns: r }) => [
      `success rate ${formatShare(r.successRate)} (${r.failed} failed)`,
      `duration p50 ${formatDuration(r.p50DurationMs)} · ` +
        `p95 ${formatDuration(r.p95DurationMs)}`,
    ],
  },
  {
    id: 'timeToFirstDeploy',
    title: 'Repository to first production deploy',
    value: ({ timeToFirstDeploy: t }) =>
      `p50 ${formatHours(t.overall.p50Hours)}`,
    target: ({ timeToFirstDeploy: t }) =>
      hoursAtMost(t.overall.p50Hours, t.targetHours),
    details: ({ timeToFirstDeploy: { overall: o } }) => [
      `p95 ${formatHours(o.p95Hours)} · ` +
        `${o.deployed} deployed, ${o.pending} not yet`,
    ],
  },
  {
    id: 'selfService',
    title: 'Self-service without tickets',
    value: ({ selfService }) => formatShare(selfService.overall.noTicketShare),
    target: ({ selfService: s }) =>
      shareAtLeast(s.overall.noTicketShare, s.target),
    details: ({ selfService: s }) => [
      `${s.overall.portalRequests} portal requests, ${s.overall.tickets} tickets`,
      `time to Ready: portal ${formatHours(s.portalTimeToReadyP50Hours)} · ` +
        `tickets ${formatHours(s.ticketTimeToResolveP50Hours)} (medians)`,
    ],
  },
  {
    id: 'usage',
    title: 'Weekly active users',
    value: ({ usage }) => formatFigure(usage.weeklyActiveUsers),
    details: ({ usage }) => {
      const why =
        usage.identity === 'drop'
          ? ' (identities are not kept: no user counts)'
          : '';
      return [`${usage.pageViews.toLocaleString('en-GB')} page views${why}`];
    },
  },
  {
    id: 'nps',
    title: 'Platform NPS',
    value: ({ nps }) => formatNps(nps.score),
    scale: NPS_SCALE,
    details: ({ nps: n }) => [
      `${n.responses} answers: ${n.promoters} promoters, ` +
        `${n.passives} passives, ${n.detractors} detractors`,
    ],
  },
  {
    id: 'roi',
    title: 'Return on investment',
    // The ROI is a ratio (value minus cost, over cost), shown like a share: 0.93 -> "93%".
    value: ({ roi }) => formatShare(roi.roi),
    details: ({ roi }) => [
      `${roi.hoursSaved.toLocaleString('en-GB')} h saved = ` +
        `${formatMoney(roi.value, roi.currency)} against ` +
        `${formatMoney(roi.cost, roi.currency)} platform cost`,
      'assumptions below',
    ],
  },
];
