import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { cloneElement, ReactElement } from 'react';
import { adoptionSummaryFixture } from '../__fixtures__/adoptionSummary';
import { axesOf, bar, line, referenceLine, TrendAxis } from './TrendChart';
import { shareLine, TrendCharts } from './TrendCharts';

// jsdom has no layout: give the charts the size the responsive container would measure.
jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  return {
    ...actual,
    ResponsiveContainer: ({ children }: { children: ReactElement }) =>
      cloneElement(children, { width: 600, height: 260 }),
  };
});

const weekStart = '2026-11-16T00:00:00.000Z';
const summary: AdoptionSummary = {
  ...adoptionSummaryFixture,
  selfService: {
    ...adoptionSummaryFixture.selfService,
    trend: [{ weekStart, portalRequests: 4, tickets: 1, noTicketShare: 0.8 }],
  },
  usage: {
    ...adoptionSummaryFixture.usage,
    trend: [{ weekStart, activeUsers: 61, pageViews: 1000 }],
  },
  nps: {
    ...adoptionSummaryFixture.nps,
    trend: [
      { monthStart: '2026-11-01T00:00:00.000Z', score: 20, responses: 9 },
    ],
  },
};

jest.setTimeout(30_000);

describe('TrendCharts', () => {
  it('draws every trend with its series named in the legend and the self-service target', async () => {
    await renderInTestApp(<TrendCharts summary={summary} />);
    for (const title of [
      'Template runs per week',
      'Portal requests and tickets per week',
      'Portal usage per week',
      'Platform NPS per month',
    ]) {
      expect(screen.getByText(title)).toBeInTheDocument();
    }
    for (const series of [
      'Succeeded',
      'Failed',
      'Success rate (%)',
      'Portal requests',
      'Tickets',
      'No-ticket share (%)',
      'Page views',
      'Active users',
      'NPS',
    ]) {
      expect(screen.getByText(series)).toBeInTheDocument();
    }
    expect(screen.getByText('target')).toBeInTheDocument();
    // The NPS trend is per month: its periods read "2026-11", not a date.
    expect(screen.getAllByText('2026-11').length).toBeGreaterThan(0);
  });
});

describe('trend marks', () => {
  it('plots shares in percent with one decimal and keeps gaps', () => {
    const mark = shareLine<{ share: number | null }>(
      p => p.share,
      'Share',
      '#000',
    );
    if (mark.kind !== 'line') throw new Error('a share is drawn as a line');
    expect(mark.value({ share: 0.8123 })).toBe(81.2);
    expect(mark.value({ share: 1 })).toBe(100);
    expect(mark.value({ share: null })).toBeNull();
  });

  it('shows each axis the marks use once, left before right', () => {
    const right: TrendAxis = { id: 'right', side: 'right' };
    const left: TrendAxis = { id: 'left', side: 'left' };
    expect(
      axesOf<{ n: number }>([
        bar(p => p.n, 'A', '#000', right),
        line(p => p.n, 'B', '#000', left),
        referenceLine(0, '#000', right),
      ]),
    ).toEqual([left, right]);
  });
});
