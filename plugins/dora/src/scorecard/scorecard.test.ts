import { DoraBreakdownRow, DoraMetricSet } from '@internal/plugin-dora-common';
import { doraAttention, doraScorecardFigures, metricChange } from './scorecard';

const period = 'previous 30 days';

describe('metricChange', () => {
  it('reads a rising deployment frequency as better and a rising lead time as worse', () => {
    expect(
      metricChange(
        'deploymentFrequency',
        { value: 1.2, unit: 'deploymentsPerDay' },
        { value: 1, unit: 'deploymentsPerDay' },
        period,
      ),
    ).toEqual({ verdict: 'better', text: '+20% vs previous 30 days' });
    expect(
      metricChange(
        'changeLeadTime',
        { value: 30, unit: 'hours' },
        { value: 20, unit: 'hours' },
        period,
      ),
    ).toEqual({ verdict: 'worse', text: '+50% vs previous 30 days' });
  });

  it('changes rates in percentage points, and a falling failure rate is better', () => {
    expect(
      metricChange(
        'changeFailureRate',
        { value: 0.1, unit: 'ratio' },
        { value: 0.15, unit: 'ratio' },
        period,
      ),
    ).toEqual({ verdict: 'better', text: '-5 pp vs previous 30 days' });
  });

  it('calls small moves steady and says when the previous period has no figure', () => {
    expect(
      metricChange(
        'changeLeadTime',
        { value: 20.5, unit: 'hours' },
        { value: 20, unit: 'hours' },
        period,
      ).verdict,
    ).toBe('steady');
    expect(
      metricChange(
        'changeLeadTime',
        { value: 20, unit: 'hours' },
        { value: null, unit: 'hours' },
        period,
      ),
    ).toEqual({
      verdict: 'unknown',
      text: 'no figure for the previous 30 days',
    });
  });
});

function metrics(
  overrides: Partial<Record<keyof DoraMetricSet, object>> = {},
): DoraMetricSet {
  const base = (unit: string) => ({
    value: 1,
    unit,
    band: 'high',
    definition: '',
    numerator: { label: '', value: 1 },
    denominator: { label: '', value: 1 },
    eventCount: 1,
    warnings: [],
  });
  return {
    deploymentFrequency: {
      ...base('deploymentsPerDay'),
      ...overrides.deploymentFrequency,
    },
    changeLeadTime: { ...base('hours'), ...overrides.changeLeadTime },
    changeFailureRate: { ...base('ratio'), ...overrides.changeFailureRate },
    failedDeploymentRecoveryTime: {
      ...base('hours'),
      ...overrides.failedDeploymentRecoveryTime,
    },
    deploymentReworkRate: {
      ...base('ratio'),
      ...overrides.deploymentReworkRate,
    },
  } as unknown as DoraMetricSet;
}

describe('doraAttention', () => {
  it('lists metrics that got worse and teams in the low band, never the unmapped row', () => {
    const teams: DoraBreakdownRow[] = [
      {
        scope: 'team',
        ref: 'group:default/payments',
        metrics: metrics({ changeFailureRate: { value: 0.4, band: 'low' } }),
      },
      { scope: 'team', ref: 'group:default/search', metrics: metrics() },
      {
        scope: 'team',
        ref: 'unmapped',
        metrics: metrics({ changeLeadTime: { band: 'low' } }),
      },
    ];
    const items = doraAttention({
      current: metrics({ changeLeadTime: { value: 30 } }),
      changes: {
        changeLeadTime: { verdict: 'worse', text: '+50% vs previous 30 days' },
        deploymentFrequency: { verdict: 'better', text: '+5%' },
      },
      teams,
      teamHref: ref => `/dora?team=${ref}`,
      organisationHref: '/dora',
    });
    expect(items).toEqual([
      {
        text: 'Change lead time got worse: 30.0 h, +50% vs previous 30 days',
        href: '/dora',
      },
      {
        entityRef: 'group:default/payments',
        text: 'low band: change failure rate 40.0 %',
        href: '/dora?team=group:default/payments',
      },
    ]);
  });
});

describe('doraScorecardFigures', () => {
  it('states each metric with its band and change', () => {
    const figures = doraScorecardFigures(
      metrics({ changeFailureRate: { value: 0.4, band: 'low' } }),
      { changeFailureRate: { verdict: 'worse', text: '+10 pp' } },
    );
    expect(figures.map(f => f.id)).toEqual([
      'deploymentFrequency',
      'changeLeadTime',
      'changeFailureRate',
      'failedDeploymentRecoveryTime',
      'deploymentReworkRate',
    ]);
    expect(figures[2]).toEqual({
      id: 'changeFailureRate',
      title: 'Change failure rate',
      value: '40.0 %',
      standing: { label: 'low band', tone: 'poor' },
      change: { verdict: 'worse', text: '+10 pp' },
    });
  });
});
