import { Grid } from '@material-ui/core';
import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { bar, line, referenceLine, TrendAxis, TrendChart } from './TrendChart';

type TemplateRunsWeek = AdoptionSummary['templateRuns']['trend'][number];
type SelfServiceWeek = AdoptionSummary['selfService']['trend'][number];
type UsageWeek = AdoptionSummary['usage']['trend'][number];
type NpsMonth = AdoptionSummary['nps']['trend'][number];

const GREEN = '#2e7d32';
const RED = '#c62828';
const BLUE = '#1976d2';
const LIGHT_BLUE = '#90caf9';
const ORANGE = '#ef6c00';
const PURPLE = '#8e24aa';
const GREY = '#9e9e9e';

const countAxis: TrendAxis = {
  id: 'count',
  side: 'left',
  wholeNumbers: true,
  grid: true,
};
const percentAxis: TrendAxis = {
  id: 'percent',
  side: 'right',
  domain: [0, 100],
  unit: '%',
};
const usersAxis: TrendAxis = {
  id: 'users',
  side: 'left',
  wholeNumbers: true,
  grid: true,
};
const viewsAxis: TrendAxis = { id: 'views', side: 'right', wholeNumbers: true };
const npsAxis: TrendAxis = {
  id: 'nps',
  side: 'left',
  domain: [-100, 100],
  grid: true,
};

/** Bars of a count per period against the count axis. */
function countBar<P>(
  count: (point: P) => number,
  name: string,
  color: string,
  stack?: string,
) {
  return bar<P>(count, name, color, countAxis, stack);
}

/** A line of a share (0 to 1) against the percent axis, in percent to one decimal. */
export function shareLine<P>(
  share: (point: P) => number | null,
  name: string,
  color: string,
) {
  return line<P>(
    point => {
      const value = share(point);
      return value === null ? null : Math.round(value * 1000) / 10;
    },
    name,
    color,
    percentAxis,
  );
}

const week = (w: { weekStart: string }) => w.weekStart.slice(0, 10);
const month = (m: { monthStart: string }) => m.monthStart.slice(0, 7);

/** Weekly (NPS: monthly) trends of the measures. */
export function TrendCharts({ summary }: { summary: AdoptionSummary }) {
  const { templateRuns, selfService, usage, nps } = summary;
  return (
    <Grid container spacing={2}>
      <TrendChart<TemplateRunsWeek>
        title="Template runs per week"
        points={templateRuns.trend}
        period={week}
        marks={[
          countBar(w => w.succeeded, 'Succeeded', GREEN, 'runs'),
          countBar(w => w.failed, 'Failed', RED, 'runs'),
          shareLine(w => w.successRate, 'Success rate (%)', BLUE),
        ]}
      />
      <TrendChart<SelfServiceWeek>
        title="Portal requests and tickets per week"
        points={selfService.trend}
        period={week}
        marks={[
          countBar(w => w.portalRequests, 'Portal requests', BLUE),
          countBar(w => w.tickets, 'Tickets', ORANGE),
          shareLine(w => w.noTicketShare, 'No-ticket share (%)', GREEN),
          referenceLine(selfService.target * 100, GREEN, percentAxis, {
            label: 'target',
            dashed: true,
          }),
        ]}
      />
      <TrendChart<UsageWeek>
        title="Portal usage per week"
        points={usage.trend}
        period={week}
        marks={[
          bar(w => w.pageViews, 'Page views', LIGHT_BLUE, viewsAxis),
          line(w => w.activeUsers, 'Active users', BLUE, usersAxis),
        ]}
      />
      <TrendChart<NpsMonth>
        title="Platform NPS per month"
        points={nps.trend}
        period={month}
        marks={[
          referenceLine(0, GREY, npsAxis),
          line(m => m.score, 'NPS', PURPLE, npsAxis),
        ]}
      />
    </Grid>
  );
}
