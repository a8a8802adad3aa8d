import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { AdoptionApi, adoptionApiRef } from '../api/AdoptionApi';
import { AdoptionPage } from './AdoptionPage';

const summary: AdoptionSummary = {
  window: {
    from: '2026-08-24T00:00:00.000Z',
    to: '2026-11-22T00:00:00.000Z',
    days: 90,
  },
  computedAt: '2026-11-22T00:00:00.000Z',
  demoData: true,
  coverage: {
    target: 0.8,
    overall: {
      team: 'all',
      components: 14,
      fromTemplate: 11,
      onLatestVersion: 8,
      coverage: 11 / 14,
      latestShare: 8 / 11,
    },
    teams: [
      {
        team: 'group:default/payments',
        components: 4,
        fromTemplate: 3,
        onLatestVersion: 2,
        coverage: 0.75,
        latestShare: 2 / 3,
      },
      {
        team: 'group:default/platform',
        components: 3,
        fromTemplate: 2,
        onLatestVersion: 2,
        coverage: 2 / 3,
        latestShare: 1,
      },
    ],
    templates: [],
  },
  templateRuns: {
    count: 150,
    succeeded: 138,
    failed: 12,
    successRate: 0.92,
    p50DurationMs: 95_000,
    p95DurationMs: 480_000,
    failures: [
      {
        templateRef: 'template:default/typescript-service',
        step: 'publish',
        message: 'boom',
        count: 5,
        lastAt: '2026-11-20T10:00:00.000Z',
      },
    ],
    templates: [],
    trend: [
      {
        weekStart: '2026-11-16T00:00:00.000Z',
        count: 10,
        succeeded: 9,
        failed: 1,
        successRate: 0.9,
      },
    ],
  },
  timeToFirstDeploy: {
    targetHours: 24,
    overall: {
      team: 'all',
      deployed: 9,
      pending: 0,
      p50Hours: 18,
      p95Hours: 60,
    },
    teams: [],
  },
  selfService: {
    target: 0.9,
    overall: {
      team: 'all',
      portalRequests: 180,
      tickets: 40,
      noTicketShare: 180 / 220,
    },
    teams: [],
    portalTimeToReadyP50Hours: 0.1,
    ticketTimeToResolveP50Hours: 40,
    categories: [],
    trend: [],
  },
  usage: {
    identity: 'hash',
    weeklyActiveUsers: 61,
    pageViews: 9000,
    plugins: [{ pluginId: 'catalog', pageViews: 4000 }],
    trend: [],
  },
  nps: {
    score: 32.5,
    responses: 70,
    promoters: 30,
    passives: 25,
    detractors: 15,
    trend: [],
  },
  roi: {
    currency: 'EUR',
    hoursSaved: 3000,
    value: 285000,
    cost: 148000,
    roi: 0.93,
    assumptions: [
      { name: 'Loaded hourly cost', value: '95 EUR', source: 'config' },
    ],
  },
};

function mockApi(over: Partial<AdoptionApi> = {}): AdoptionApi {
  return {
    getAccess: jest
      .fn()
      .mockResolvedValue({ dashboards: true, ticketsImport: true }),
    getSummary: jest.fn().mockResolvedValue(summary),
    importTicketsCsv: jest.fn().mockResolvedValue({
      imported: 1,
      updated: 0,
      failed: [
        {
          row: 3,
          externalId: 'T-2',
          errors: ['openedAt: must be an ISO 8601 date-time with offset'],
        },
      ],
    }),
    getNpsStatus: jest.fn(),
    answerNps: jest.fn(),
    dismissNps: jest.fn(),
    sendAnalytics: jest.fn(),
    ...over,
  };
}

const render = (api: AdoptionApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[adoptionApiRef, api]]}>
      <AdoptionPage />
    </TestApiProvider>,
  );

jest.setTimeout(30_000);

describe('AdoptionPage', () => {
  it('shows every measure with its target', async () => {
    await render(mockApi());
    const coverage = await screen.findByTestId('adoption-measure-coverage');
    expect(coverage).toHaveTextContent('79%');
    expect(coverage).toHaveTextContent('below target · target ≥ 80%');
    expect(
      screen.getByTestId('adoption-measure-timeToFirstDeploy'),
    ).toHaveTextContent('on target');
    expect(
      screen.getByTestId('adoption-measure-selfService'),
    ).toHaveTextContent('82%');
    expect(
      screen.getByTestId('adoption-measure-templateRuns'),
    ).toHaveTextContent('success rate 92%');
    expect(screen.getByTestId('adoption-measure-usage')).toHaveTextContent(
      '61',
    );
    expect(screen.getByTestId('adoption-measure-nps')).toHaveTextContent(
      '32.5',
    );
    expect(screen.getByTestId('adoption-measure-roi')).toHaveTextContent('93%');
    expect(
      screen.getByText('Golden-path coverage by team'),
    ).toBeInTheDocument();
    expect(screen.getByText('group:default/payments')).toBeInTheDocument();
    expect(screen.getByText('Where template runs fail')).toBeInTheDocument();
  });

  it('explains who may see the dashboards instead of failing', async () => {
    const api = mockApi({
      getAccess: jest
        .fn()
        .mockResolvedValue({ dashboards: false, ticketsImport: false }),
    });
    await render(api);
    await waitFor(() =>
      expect(
        screen.getByText(/for the leadership groups and the platform team/),
      ).toBeInTheDocument(),
    );
    expect(api.getSummary).not.toHaveBeenCalled();
  });

  it('imports a ticket CSV, shows the report and reloads the figures', async () => {
    const api = mockApi();
    await render(api);
    const input = await screen.findByTestId('adoption-ticket-upload');
    const file = new File(
      ['external_id,category,opened_at\nT-1,db,2026-11-01T00:00:00Z'],
      'tickets.csv',
      { type: 'text/csv' },
    );
    Object.defineProperty(file, 'text', { value: async () => 'csv-body' });
    fireEvent.change(input, { target: { files: [file] } });
    expect(
      await screen.findByTestId('adoption-import-report'),
    ).toHaveTextContent('Imported 1 tickets');
    expect(screen.getByText(/Row 3 \(T-2\): openedAt/)).toBeInTheDocument();
    expect(api.importTicketsCsv).toHaveBeenCalledWith('csv-body');
    await waitFor(() => expect(api.getSummary).toHaveBeenCalledTimes(2));
  });

  it('hides the ticket upload from those who may not import', async () => {
    await render(
      mockApi({
        getAccess: jest
          .fn()
          .mockResolvedValue({ dashboards: true, ticketsImport: false }),
      }),
    );
    await screen.findByTestId('adoption-measure-coverage');
    expect(
      screen.queryByTestId('adoption-ticket-upload'),
    ).not.toBeInTheDocument();
  });
});
