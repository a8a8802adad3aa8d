import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import {
  DORA_METRIC_IDS,
  DoraMetricResult,
  DoraMetricSet,
} from '@internal/plugin-dora-common';
import { MetricTiles } from './MetricTiles';

const base = (id: DoraMetricResult['metric']): DoraMetricResult => ({
  metric: id,
  unit: 'ratio',
  value: 0.05,
  definition: `definition of ${id}`,
  numerator: { label: 'numerator', value: 1 },
  denominator: { label: 'denominator', value: 20 },
  eventCount: 20,
  band: null,
  warnings: [],
  details: {},
});

describe('MetricTiles', () => {
  it('counts doubts about the data on the figure and leaves their wording to the methodology below', async () => {
    const metrics = Object.fromEntries(
      DORA_METRIC_IDS.map(id => [id, base(id)]),
    ) as DoraMetricSet;
    metrics.changeFailureRate.warnings = [
      {
        code: 'no-incident-source',
        message: 'search-indexer deploys but has no incident source',
      },
    ];
    metrics.deploymentReworkRate.warnings = [
      {
        code: 'no-band-defined',
        message:
          'The DORA reports publish no bands for deployment rework rate.',
      },
    ];
    await renderInTestApp(<MetricTiles metrics={metrics} />);

    expect(
      screen.getByRole('link', { name: '⚠ 1 data gap: details below' }),
    ).toHaveAttribute('href', '#dora-methodology');
    expect(
      screen.queryByText(/search-indexer deploys but has no incident source/),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByText(/publish no bands for deployment rework rate/),
    ).not.toBeInTheDocument();
  });

  it('shows the per-service distribution behind a team or organisation figure', async () => {
    const metrics = Object.fromEntries(
      DORA_METRIC_IDS.map(id => [id, base(id)]),
    ) as DoraMetricSet;
    metrics.changeFailureRate.distribution = {
      services: 4,
      withoutValue: 0,
      median: 0.05,
      bands: { elite: 3, high: 0, medium: 0, low: 1 },
      withoutBand: 0,
    };
    await renderInTestApp(<MetricTiles metrics={metrics} />);
    expect(
      screen.getByTestId('dora-distribution-changeFailureRate'),
    ).toHaveTextContent('Median of 4 services: 5.0 % · elite 75 % · low 25 %');
    expect(
      screen.queryByTestId('dora-distribution-deploymentFrequency'),
    ).toBeNull();
  });
});
