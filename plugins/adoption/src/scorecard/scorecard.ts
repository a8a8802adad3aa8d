import { AdoptionSummary } from '@internal/plugin-adoption-common';
import {
  AttentionItem,
  ScorecardFigure,
} from '@internal/plugin-leadership-common';
import {
  formatFigure,
  formatHours,
  formatNps,
  formatShare,
  meetsTarget,
  NPS_SCALE,
} from '../format';

type Change = NonNullable<ScorecardFigure['change']>;
type Standing = NonNullable<ScorecardFigure['standing']>;

/** Below this relative move a count reads as steady rather than as a trend. */
const STEADY_WITHIN = 0.05;

function standing(met: boolean | null, label: string): Standing {
  if (met === null) return { label, tone: 'none' };
  return { label, tone: met ? 'good' : 'poor' };
}

/** A count (runs, page views) against the previous period's; more reads as better. */
function countChange(now: number, before: number, period: string): Change {
  if (before === 0) {
    return now === 0
      ? { verdict: 'steady', text: `unchanged vs ${period}` }
      : { verdict: 'better', text: `up from none vs ${period}` };
  }
  const delta = (now - before) / before;
  const percent = Math.round(delta * 100);
  const text = `${percent > 0 ? '+' : ''}${percent}% vs ${period}`;
  if (Math.abs(delta) < STEADY_WITHIN) return { verdict: 'steady', text };
  return { verdict: delta > 0 ? 'better' : 'worse', text };
}

/** A share (0..1) against the previous period's, in percentage points; higher reads as better. */
function shareChange(
  now: number | null,
  before: number | null,
  period: string,
): Change {
  if (now === null || before === null) {
    return { verdict: 'unknown', text: `no figure for the ${period}` };
  }
  const points = Math.round((now - before) * 100);
  const text = `${points > 0 ? '+' : ''}${points} pp vs ${period}`;
  if (points === 0) return { verdict: 'steady', text };
  return { verdict: points > 0 ? 'better' : 'worse', text };
}

/**
 * The adoption headline figures for a leader's Home, from the summaries of the last `days` and of
 * twice as long: the adoption API summarises windows ending now, so the previous period's counts
 * are the longer window's minus the shorter one's. Stock figures (coverage, NPS, time to first
 * deploy) are shown against their targets, without a change.
 */
export function adoptionScorecard(
  current: AdoptionSummary,
  doubled: AdoptionSummary,
  options: { adoptionPath: string },
): { figures: ScorecardFigure[]; attention: AttentionItem[] } {
  const days = current.window.days;
  const period = `previous ${days} days`;
  const { coverage, selfService, templateRuns, usage, nps } = current;
  const firstDeploy = current.timeToFirstDeploy;

  const previousRequests =
    doubled.selfService.overall.portalRequests -
    selfService.overall.portalRequests;
  const previousTickets =
    doubled.selfService.overall.tickets - selfService.overall.tickets;
  const previousNoTicketShare =
    previousRequests + previousTickets > 0
      ? previousRequests / (previousRequests + previousTickets)
      : null;

  const coverageMet = meetsTarget(
    coverage.overall.coverage,
    coverage.target,
    'atLeast',
  );
  const selfServiceMet = meetsTarget(
    selfService.overall.noTicketShare,
    selfService.target,
    'atLeast',
  );
  const firstDeployMet = meetsTarget(
    firstDeploy.overall.p50Hours,
    firstDeploy.targetHours,
    'atMost',
  );

  const pageViewsChange = countChange(
    usage.pageViews,
    doubled.usage.pageViews - usage.pageViews,
    period,
  );

  const figures: ScorecardFigure[] = [
    {
      id: 'coverage',
      title: 'Golden-path coverage',
      value: formatShare(coverage.overall.coverage),
      standing: standing(
        coverageMet,
        `target ≥ ${formatShare(coverage.target)}`,
      ),
    },
    {
      id: 'selfService',
      title: 'Self-service without tickets',
      value: formatShare(selfService.overall.noTicketShare),
      standing: standing(
        selfServiceMet,
        `target ≥ ${formatShare(selfService.target)}`,
      ),
      change: shareChange(
        selfService.overall.noTicketShare,
        previousNoTicketShare,
        period,
      ),
    },
    {
      id: 'timeToFirstDeploy',
      title: 'Repository to first production deploy',
      value: `p50 ${formatHours(firstDeploy.overall.p50Hours)}`,
      standing: standing(
        firstDeployMet,
        `target ≤ ${formatHours(firstDeploy.targetHours)}`,
      ),
    },
    {
      id: 'templateRuns',
      title: 'Template runs',
      value: String(templateRuns.count),
      change: countChange(
        templateRuns.count,
        doubled.templateRuns.count - templateRuns.count,
        period,
      ),
    },
    {
      id: 'usage',
      title: 'Weekly active users',
      value: formatFigure(usage.weeklyActiveUsers),
      // Page views, not users, are what the change compares: users are not additive over weeks.
      change: {
        ...pageViewsChange,
        text: `page views ${pageViewsChange.text}`,
      },
    },
    {
      id: 'nps',
      title: 'Platform NPS',
      value: formatNps(nps.score),
      scale: NPS_SCALE,
    },
  ];

  const attention: AttentionItem[] = [];
  const href = options.adoptionPath;
  if (coverageMet === false) {
    attention.push({
      text: `Golden-path coverage is ${formatShare(
        coverage.overall.coverage,
      )}, below the target of ${formatShare(coverage.target)}`,
      href,
    });
  }
  if (selfServiceMet === false) {
    attention.push({
      text: `Self-service without tickets is ${formatShare(
        selfService.overall.noTicketShare,
      )}, below the target of ${formatShare(selfService.target)}`,
      href,
    });
  }
  if (firstDeployMet === false) {
    attention.push({
      text: `New repositories take ${formatHours(
        firstDeploy.overall.p50Hours,
      )} (median) to reach production, over the target of ${formatHours(
        firstDeploy.targetHours,
      )}`,
      href,
    });
  }
  const worstFailure = [...templateRuns.failures].sort(
    (a, b) => b.count - a.count,
  )[0];
  if (worstFailure) {
    attention.push({
      entityRef: worstFailure.templateRef,
      text: `failed ${worstFailure.count} ${
        worstFailure.count === 1 ? 'time' : 'times'
      } at step ${worstFailure.step}`,
      href,
    });
  }
  return { figures, attention };
}
