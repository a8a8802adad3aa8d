import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { ServiceDistribution } from './ServiceDistribution';

describe('ServiceDistribution', () => {
  it('shows the median service and the share of services in each band', async () => {
    await renderInTestApp(
      <ServiceDistribution
        result={{ metric: 'deploymentFrequency', unit: 'deploymentsPerDay' }}
        distribution={{
          services: 40,
          withoutValue: 2,
          median: 1 / 30,
          bands: { elite: 0, high: 10, medium: 30, low: 0 },
          withoutBand: 0,
        }}
      />,
    );
    expect(
      screen.getByText(
        'Median of 40 services: 0.2 / week · high 25 % · medium 75 % · 2 without a figure',
      ),
    ).toBeInTheDocument();
  });
});
