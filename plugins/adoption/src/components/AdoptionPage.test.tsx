import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { adoptionSummaryFixture as summary } from '../__fixtures__/adoptionSummary';
import { AdoptionApi, adoptionApiRef } from '../api/AdoptionApi';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AdoptionPage } from './AdoptionPage';
import { DEFAULT_DASHBOARD_WINDOW_DAYS } from '@internal/plugin-leadership-common';

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
    getServicesBehindLatest: jest.fn().mockResolvedValue({ items: [] }),
    ...over,
  };
}

const render = (api: AdoptionApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[adoptionApiRef, api]]}>
      <AdoptionPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

jest.setTimeout(30_000);

describe('AdoptionPage', () => {
  it('lists the services behind the latest golden path, each linked to the upgrade template', async () => {
    await render(
      mockApi({
        getServicesBehindLatest: jest.fn().mockResolvedValue({
          items: [
            {
              entityRef: 'component:default/ledger-api',
              owner: 'group:default/payments',
              templateRef: 'template:default/go-service',
              version: '1.1.0',
              latestVersion: '2.0.0',
            },
          ],
        }),
      }),
    );
    const section = await screen.findByTestId('adoption-behind-latest');
    expect(section).toHaveTextContent('Services behind the latest golden path');
    expect(section).toHaveTextContent('1.1.0 → 2.0.0');
    const link = await screen.findByTestId(
      'upgrade-component:default/ledger-api',
    );
    expect(link.getAttribute('href')).toBe(
      `/create/templates/default/upgrade-golden-path?formData=${encodeURIComponent(
        '{"component":"component:default/ledger-api"}',
      )}`,
    );
  });

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
      '+33on a scale of −100 to +100',
    );
    expect(screen.getByTestId('adoption-measure-roi')).toHaveTextContent('93%');
    expect(
      screen.getByText('Golden-path coverage by team'),
    ).toBeInTheDocument();
    // Teams by their catalog names with links, not as refs.
    expect(
      (await screen.findAllByRole('link', { name: 'payments' }))[0],
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    expect(
      screen.queryByText('group:default/payments'),
    ).not.toBeInTheDocument();
    expect(screen.getByText('Where template runs fail')).toBeInTheDocument();
  });

  it('explains who may see the dashboards instead of failing', async () => {
    const refused = new Error('refused');
    refused.name = 'NotAllowedError';
    const api = mockApi({
      getAccess: jest
        .fn()
        .mockResolvedValue({ dashboards: false, ticketsImport: false }),
      getSummary: jest.fn().mockRejectedValue(refused),
    });
    await render(api);
    await waitFor(() =>
      expect(
        screen.getByText(/for the leadership groups and the platform team/),
      ).toBeInTheDocument(),
    );
    expect(screen.queryByText('refused')).not.toBeInTheDocument();
  });

  it('asks for the figures together with the access check, not after it', async () => {
    const api = mockApi({
      // The access check has not answered yet.
      getAccess: jest.fn().mockReturnValue(new Promise(() => {})),
    });
    await render(api);
    await waitFor(() =>
      expect(api.getSummary).toHaveBeenCalledWith(
        DEFAULT_DASHBOARD_WINDOW_DAYS,
      ),
    );
    expect(
      screen.queryByTestId('adoption-measure-coverage'),
    ).not.toBeInTheDocument();
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
