import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { adoptionSummaryFixture as summary } from '../__fixtures__/adoptionSummary';
import { hoursAtMost, measureTiles, shareAtLeast } from './measureTiles';

describe('measure targets', () => {
  it('compares a share with the share it should reach', () => {
    expect(shareAtLeast(0.79, 0.8)).toEqual({
      met: false,
      label: 'target ≥ 80%',
    });
    expect(shareAtLeast(0.8, 0.8).met).toBe(true);
    expect(shareAtLeast(null, 0.9)).toEqual({
      met: null,
      label: 'target ≥ 90%',
    });
  });

  it('compares hours with the hours they should stay within', () => {
    expect(hoursAtMost(18, 24)).toEqual({ met: true, label: 'target ≤ 24 h' });
    expect(hoursAtMost(24, 24).met).toBe(true);
    expect(hoursAtMost(24.5, 24).met).toBe(false);
    expect(hoursAtMost(null, 48)).toEqual({
      met: null,
      label: 'target ≤ 2 days',
    });
  });
});

/** What each tile shows, as text: headline, its scale, target chip label, detail lines. */
function shownFor(figures: AdoptionSummary) {
  return Object.fromEntries(
    measureTiles.map(tile => {
      const target = tile.target?.(figures);
      const chip = target ? [`${target.label} (met: ${target.met})`] : [];
      const scale = tile.scale ? [tile.scale] : [];
      const parts = [
        tile.value(figures),
        ...scale,
        ...chip,
        ...tile.details(figures),
      ];
      return [tile.id, parts.join(' | ')];
    }),
  );
}

describe('measure tiles', () => {
  it('lists every measure once, in the order of the page', () => {
    // The browser tests find the tiles by these ids.
    expect(measureTiles.map(t => t.id).join(', ')).toBe(
      'coverage, templateRuns, timeToFirstDeploy, selfService, usage, nps, roi',
    );
  });

  it('gives each measure its headline, target and details', () => {
    expect(shownFor(summary)).toEqual({
      coverage:
        '79% | target ≥ 80% (met: false) | 11 of 14 components from a template; 73% on the latest template version',
      templateRuns:
        '150 | success rate 92% (12 failed) | duration p50 1.6 min · p95 8 min',
      timeToFirstDeploy:
        'p50 18 h | target ≤ 24 h (met: true) | p95 2.5 days · 9 deployed, 0 not yet',
      selfService:
        '82% | target ≥ 90% (met: false) | 180 portal requests, 40 tickets | time to Ready: portal 6 min · tickets 40 h (medians)',
      usage: '61 | 9,000 page views',
      nps: '+33 | on a scale of −100 to +100 | 70 answers: 30 promoters, 25 passives, 15 detractors',
      roi: '93% | 3,000 h saved = 285,000 EUR against 148,000 EUR platform cost | assumptions below',
    });
  });

  it('shows a dash for missing figures and says why user counts are missing', () => {
    const { coverage, timeToFirstDeploy: firstDeploy } = summary;
    const shown = shownFor({
      ...summary,
      coverage: {
        ...coverage,
        overall: { ...coverage.overall, coverage: null },
      },
      timeToFirstDeploy: {
        ...firstDeploy,
        overall: { ...firstDeploy.overall, p50Hours: null, p95Hours: null },
      },
      usage: { ...summary.usage, identity: 'drop', weeklyActiveUsers: null },
      nps: { ...summary.nps, score: null },
      roi: { ...summary.roi, roi: null },
    });
    expect(shown.coverage).toMatch(/^– \| target ≥ 80% \(met: null\)/);
    expect(shown.timeToFirstDeploy).toBe(
      'p50 – | target ≤ 24 h (met: null) | p95 – · 9 deployed, 0 not yet',
    );
    expect(shown.usage).toBe(
      '– | 9,000 page views (identities are not kept: no user counts)',
    );
    expect(shown.nps).toMatch(
      /^– \| on a scale of −100 to \+100 \| 70 answers/,
    );
    expect(shown.roi).toMatch(/^– \| 3,000 h saved/);
  });
});
