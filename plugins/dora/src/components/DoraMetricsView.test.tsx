import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  DoraMetricResult,
  DoraMetricSet,
  DoraMetricsResponse,
} from '@internal/plugin-dora-common';
import { DoraApi, doraApiRef } from '../api/DoraApi';
import { DoraMetricsView } from './DoraMetricsView';

function metric(
  partial: Partial<DoraMetricResult> &
    Pick<DoraMetricResult, 'metric' | 'unit'>,
): DoraMetricResult {
  return {
    value: null,
    definition: `definition of ${partial.metric}`,
    numerator: { label: 'numerator', value: 0 },
    denominator: { label: 'denominator', value: 0 },
    eventCount: 0,
    band: null,
    warnings: [],
    details: {},
    ...partial,
  };
}

const metrics: DoraMetricSet = {
  deploymentFrequency: metric({
    metric: 'deploymentFrequency',
    unit: 'deploymentsPerDay',
    value: 2,
    band: 'elite',
    eventCount: 60,
    numerator: { label: 'successful production deployments', value: 60 },
    denominator: { label: 'days', value: 30 },
  }),
  changeLeadTime: metric({
    metric: 'changeLeadTime',
    unit: 'hours',
    value: 30,
    band: 'high',
    eventCount: 200,
  }),
  changeFailureRate: metric({
    metric: 'changeFailureRate',
    unit: 'ratio',
    value: 0.1,
    band: 'high',
    eventCount: 60,
    warnings: [
      {
        code: 'no-incident-source',
        message: 'search-indexer deploys but has no incident source',
      },
    ],
  }),
  failedDeploymentRecoveryTime: metric({
    metric: 'failedDeploymentRecoveryTime',
    unit: 'hours',
  }),
  deploymentReworkRate: metric({
    metric: 'deploymentReworkRate',
    unit: 'ratio',
    value: 0.05,
  }),
};

function response(windowDays: number): DoraMetricsResponse {
  return {
    scope: 'organisation',
    ref: 'organisation',
    window: {
      from: '2026-10-22T00:00:00Z',
      to: '2026-11-21T00:00:00Z',
      days: windowDays,
    },
    bandYear: '2024',
    bandNotes: [],
    metrics,
    trend: [],
    breakdown: [{ scope: 'team', ref: 'group:default/payments', metrics }],
  };
}

// Rendering the tables and chart is slow on a busy machine.
jest.setTimeout(30_000);

describe('DoraMetricsView', () => {
  it('shows figures with bands and working, the methodology after them, and links a team by its name', async () => {
    const getMetrics = jest.fn(async ({ windowDays }) => response(windowDays));
    const api: DoraApi = { getMetrics, listUnmapped: jest.fn() };
    const onDrillDown = jest.fn(() => '?team=group:default/payments');
    await renderInTestApp(
      <TestApiProvider apis={[[doraApiRef, api]]}>
        <DoraMetricsView scope="organisation" onDrillDown={onDrillDown} />
      </TestApiProvider>,
    );

    expect((await screen.findAllByText('2.0 / day')).length).toBeGreaterThan(0);
    expect(screen.getAllByText('elite').length).toBeGreaterThan(0);
    expect(
      screen.getByText(
        /successful production deployments: 60 · days: 30 · 60 events/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/search-indexer deploys but has no incident source/)
        .length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByText(/bands of the 2024 DORA report/),
    ).toBeInTheDocument();
    expect(getMetrics).toHaveBeenCalledWith({
      scope: 'organisation',
      ref: undefined,
      windowDays: 30,
    });

    // The figures come before the methodology that explains them.
    const figure = screen.getAllByText('2.0 / day')[0];
    const methodology = screen.getByText('How these figures are worked out');
    expect(
      figure.compareDocumentPosition(methodology) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    // The team is shown by its catalog name (the test catalog does not know it: its name).
    expect(
      await screen.findByRole('link', { name: 'payments' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('?team=group:default/payments'),
    );
    expect(
      screen.queryByText('group:default/payments'),
    ).not.toBeInTheDocument();

    fireEvent.mouseDown(screen.getByText('As configured'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('2023 report'),
    );
    await waitFor(() =>
      expect(getMetrics).toHaveBeenLastCalledWith({
        scope: 'organisation',
        ref: undefined,
        bandYear: '2023',
        windowDays: 30,
      }),
    );
  });

  it('asks for a custom range of whole UTC days and explains a bad one', async () => {
    const getMetrics = jest.fn(async () => response(10));
    await renderInTestApp(
      <TestApiProvider apis={[[doraApiRef, { getMetrics }]]}>
        <DoraMetricsView scope="team" scopeRef="group:default/payments" />
      </TestApiProvider>,
    );
    await screen.findAllByText('2.0 / day');
    fireEvent.mouseDown(screen.getByText('Last 30 days'));
    fireEvent.click(
      within(screen.getByRole('listbox')).getByText('Custom range'),
    );
    fireEvent.change(screen.getByLabelText('From date'), {
      target: { value: '2025-03-01' },
    });
    fireEvent.change(screen.getByLabelText('To date'), {
      target: { value: '2025-03-10' },
    });
    await waitFor(() =>
      expect(getMetrics).toHaveBeenLastCalledWith({
        scope: 'team',
        ref: 'group:default/payments',
        from: '2025-03-01T00:00:00.000Z',
        to: '2025-03-11T00:00:00.000Z',
      }),
    );
    const calls = getMetrics.mock.calls.length;
    fireEvent.change(screen.getByLabelText('From date'), {
      target: { value: '2025-04-01' },
    });
    expect(
      await screen.findByText(
        'The start date must be on or before the end date.',
      ),
    ).toBeInTheDocument();
    expect(getMetrics.mock.calls.length).toBe(calls);
  });

  it('shows the connect instructions for a component the backend does not know yet', async () => {
    const api: DoraApi = {
      listUnmapped: jest.fn(),
      getMetrics: async () => {
        throw Object.assign(new Error('no component'), {
          name: 'NotFoundError',
        });
      },
    };
    await renderInTestApp(
      <TestApiProvider apis={[[doraApiRef, api]]}>
        <DoraMetricsView
          scope="service"
          scopeRef="component:default/brand-new"
        />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('No delivery events for this component yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('Last 30 days')).toBeInTheDocument();
  });

  it('tells a team how to connect its sources when a component has no events', async () => {
    const empty = response(30);
    for (const result of Object.values(empty.metrics)) result.eventCount = 0;
    const api: DoraApi = {
      listUnmapped: jest.fn(),
      getMetrics: async () => ({ ...empty, scope: 'service' }),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[doraApiRef, api]]}>
        <DoraMetricsView
          scope="service"
          scopeRef="component:default/new-service"
        />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('No delivery events for this component yet'),
    ).toBeInTheDocument();
  });

  it('shows the backend error when the request is refused', async () => {
    const api: DoraApi = {
      listUnmapped: jest.fn(),
      getMetrics: async () => {
        throw new Error('Not allowed to read leadership.dashboards.read');
      },
    };
    await renderInTestApp(
      <TestApiProvider apis={[[doraApiRef, api]]}>
        <DoraMetricsView scope="organisation" />
      </TestApiProvider>,
    );
    expect(
      (
        await screen.findAllByText(
          /Not allowed to read leadership.dashboards.read/,
        )
      ).length,
    ).toBeGreaterThan(0);
  });
});
