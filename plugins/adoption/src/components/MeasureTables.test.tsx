import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { adoptionSummaryFixture as summary } from '../__fixtures__/adoptionSummary';
import { downloadCsv } from '@internal/plugin-leadership-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { MeasureTables } from './MeasureTables';

const render = () =>
  renderInTestApp(<MeasureTables summary={summary} />, {
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });

jest.mock('@internal/plugin-leadership-common', () => ({
  ...jest.requireActual('@internal/plugin-leadership-common'),
  downloadCsv: jest.fn(),
}));

jest.setTimeout(30_000);

function table(title: string) {
  const paper = screen.getByText(title).closest('.MuiPaper-root');
  if (!(paper instanceof HTMLElement)) throw new Error(`no table ${title}`);
  return within(paper);
}

describe('MeasureTables', () => {
  it('shows teams by name with a link and shares as percentages, and exports refs and fractions as CSV', async () => {
    await render();
    const coverage = table('Golden-path coverage by team');
    const link = coverage.getByRole('link', { name: 'payments' });
    expect(link).toHaveAttribute('href', '/catalog/default/group/payments');
    expect(link.closest('tr')).toHaveTextContent('payments4375%67%');

    fireEvent.click(coverage.getByTitle('Export as CSV'));
    expect(downloadCsv).toHaveBeenCalledWith(
      'Team,Components,From a template,Coverage,On latest version\r\n' +
        'group:default/payments,4,3,0.75,0.667\r\n' +
        'group:default/platform,3,2,0.667,1\r\n',
      'adoption-coverage.csv',
    );
  });

  it('shows when and where template runs fail', async () => {
    await render();
    const failures = table('Where template runs fail');
    expect(
      failures.getByRole('link', { name: 'typescript-service' }).closest('tr'),
    ).toHaveTextContent('typescript-servicepublishboom52026-11-20 10:00');
  });
});
