import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { adoptionSummaryFixture as summary } from '../__fixtures__/adoptionSummary';
import { downloadCsv } from '@internal/plugin-leadership-common';
import { MeasureTables } from './MeasureTables';

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
  it('shows shares as percentages and exports the fractions as CSV', async () => {
    await renderInTestApp(<MeasureTables summary={summary} />);
    const coverage = table('Golden-path coverage by team');
    const payments = coverage.getByText('group:default/payments').closest('tr');
    expect(payments).toHaveTextContent('group:default/payments4375%67%');

    fireEvent.click(coverage.getByTitle('Export as CSV'));
    expect(downloadCsv).toHaveBeenCalledWith(
      'Team,Components,From a template,Coverage,On latest version\r\n' +
        'group:default/payments,4,3,0.75,0.667\r\n' +
        'group:default/platform,3,2,0.667,1\r\n',
      'adoption-coverage.csv',
    );
  });

  it('shows when and where template runs fail', async () => {
    await renderInTestApp(<MeasureTables summary={summary} />);
    const failures = table('Where template runs fail');
    expect(
      failures.getByText('template:default/typescript-service').closest('tr'),
    ).toHaveTextContent(
      'template:default/typescript-servicepublishboom52026-11-20 10:00',
    );
  });
});
