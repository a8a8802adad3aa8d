import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import {
  DORA_METRIC_IDS,
  DoraMetricResult,
  DoraMetricsResponse,
  DoraMetricSet,
} from '@internal/plugin-dora-common';
import { Methodology } from './Methodology';

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

describe('Methodology', () => {
  it('states the bands and definitions, doubts about the data as data gaps and notes as information, all at readable contrast', async () => {
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
    const value = {
      bandYear: '2024',
      bandNotes: ['elite is not a 2024 cluster'],
      metrics,
    } as unknown as DoraMetricsResponse;
    await renderInTestApp(<Methodology value={value} />);

    expect(
      screen.getByText(
        'Bands of the 2024 DORA report · elite is not a 2024 cluster',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('definition of changeLeadTime'),
    ).toBeInTheDocument();
    const doubt = screen.getByText(
      /search-indexer deploys but has no incident source/,
    );
    const note = screen.getByText(
      /ⓘ The DORA reports publish no bands for deployment rework rate/,
    );
    expect(doubt).toHaveTextContent(
      '⚠ Data gap: search-indexer deploys but has no incident source',
    );
    expect(doubt.className).toMatch(/colorTextPrimary/);
    expect(note.className).toMatch(/colorTextSecondary/);
  });
});
