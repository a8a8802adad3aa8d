import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { adoptionSummaryFixture as summary } from '../__fixtures__/adoptionSummary';
import { adoptionScorecard } from './scorecard';

/** The fixture as a 30-day window, and the 60-day window around it with the given extra counts. */
const current: AdoptionSummary = {
  ...summary,
  window: { ...summary.window, days: 30 },
};
function doubled(extra: {
  runs: number;
  requests: number;
  tickets: number;
  pageViews: number;
}): AdoptionSummary {
  return {
    ...current,
    window: { ...current.window, days: 60 },
    templateRuns: {
      ...current.templateRuns,
      count: current.templateRuns.count + extra.runs,
    },
    selfService: {
      ...current.selfService,
      overall: {
        ...current.selfService.overall,
        portalRequests:
          current.selfService.overall.portalRequests + extra.requests,
        tickets: current.selfService.overall.tickets + extra.tickets,
      },
    },
    usage: {
      ...current.usage,
      pageViews: current.usage.pageViews + extra.pageViews,
    },
  };
}

describe('adoptionScorecard', () => {
  it('compares counts with the previous period, the longer window minus the shorter', () => {
    // Previous 30 days: 100 runs, 90 requests and 60 tickets (60%), 10,000 page views.
    const { figures } = adoptionScorecard(
      current,
      doubled({ runs: 100, requests: 90, tickets: 60, pageViews: 10000 }),
      { adoptionPath: '/adoption' },
    );
    const byId = Object.fromEntries(figures.map(f => [f.id, f]));
    expect(byId.templateRuns).toMatchObject({
      value: '150',
      change: { verdict: 'better', text: '+50% vs previous 30 days' },
    });
    // 180 of 220 = 82% against 60%: +22 points.
    expect(byId.selfService).toMatchObject({
      value: '82%',
      standing: { label: 'target ≥ 90%', tone: 'poor' },
      change: { verdict: 'better', text: '+22 pp vs previous 30 days' },
    });
    expect(byId.usage.change).toEqual({
      verdict: 'worse',
      text: 'page views -10% vs previous 30 days',
    });
  });

  it('shows NPS on its scale and the targets of the stock figures, without a change', () => {
    const { figures } = adoptionScorecard(
      current,
      doubled({ runs: 0, requests: 0, tickets: 0, pageViews: 0 }),
      { adoptionPath: '/adoption' },
    );
    const byId = Object.fromEntries(figures.map(f => [f.id, f]));
    expect(byId.nps).toEqual({
      id: 'nps',
      title: 'Platform NPS',
      value: '+33',
      scale: 'on a scale of −100 to +100',
    });
    expect(byId.coverage).toEqual({
      id: 'coverage',
      title: 'Golden-path coverage',
      value: '79%',
      standing: { label: 'target ≥ 80%', tone: 'poor' },
    });
    expect(byId.selfService.change).toEqual({
      verdict: 'unknown',
      text: 'no figure for the previous 30 days',
    });
  });

  it('lists the measures below target and the template that fails most', () => {
    const { attention } = adoptionScorecard(
      current,
      doubled({ runs: 0, requests: 0, tickets: 0, pageViews: 0 }),
      { adoptionPath: '/adoption' },
    );
    expect(attention).toEqual([
      {
        text: 'Golden-path coverage is 79%, below the target of 80%',
        href: '/adoption',
      },
      {
        text: 'Self-service without tickets is 82%, below the target of 90%',
        href: '/adoption',
      },
      {
        entityRef: 'template:default/typescript-service',
        text: 'failed 5 times at step publish',
        href: '/adoption',
      },
    ]);
  });
});
