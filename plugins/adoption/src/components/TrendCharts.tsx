import { InfoCard } from '@backstage/core-components';
import { Grid } from '@material-ui/core';
import { AdoptionSummary } from '@internal/plugin-adoption-common';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const pct = (v: number | null) =>
  v === null ? null : Math.round(v * 1000) / 10;
const day = (iso: string) => iso.slice(0, 10);

function Chart(props: { title: string; children: JSX.Element }) {
  return (
    <Grid item xs={12} md={6}>
      <InfoCard title={props.title}>
        <ResponsiveContainer width="100%" height={260}>
          {props.children}
        </ResponsiveContainer>
      </InfoCard>
    </Grid>
  );
}

/** Weekly (NPS: monthly) trends of the measures. */
export function TrendCharts({ summary }: { summary: AdoptionSummary }) {
  const runs = summary.templateRuns.trend.map(w => ({
    week: day(w.weekStart),
    succeeded: w.succeeded,
    failed: w.failed,
    successRate: pct(w.successRate),
  }));
  const selfService = summary.selfService.trend.map(w => ({
    week: day(w.weekStart),
    portal: w.portalRequests,
    tickets: w.tickets,
    noTicketShare: pct(w.noTicketShare),
  }));
  const usage = summary.usage.trend.map(w => ({
    week: day(w.weekStart),
    activeUsers: w.activeUsers,
    pageViews: w.pageViews,
  }));
  const nps = summary.nps.trend.map(m => ({
    month: m.monthStart.slice(0, 7),
    score: m.score,
    responses: m.responses,
  }));
  return (
    <Grid container spacing={2}>
      <Chart title="Template runs per week">
        <ComposedChart data={runs}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" />
          <YAxis yAxisId="left" allowDecimals={false} />
          <YAxis
            yAxisId="right"
            orientation="right"
            domain={[0, 100]}
            unit="%"
          />
          <Tooltip />
          <Legend />
          <Bar
            yAxisId="left"
            dataKey="succeeded"
            stackId="runs"
            name="Succeeded"
            fill="#2e7d32"
          />
          <Bar
            yAxisId="left"
            dataKey="failed"
            stackId="runs"
            name="Failed"
            fill="#c62828"
          />
          <Line
            yAxisId="right"
            dataKey="successRate"
            name="Success rate (%)"
            stroke="#1976d2"
            connectNulls
          />
        </ComposedChart>
      </Chart>
      <Chart title="Portal requests and tickets per week">
        <ComposedChart data={selfService}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" />
          <YAxis yAxisId="left" allowDecimals={false} />
          <YAxis
            yAxisId="right"
            orientation="right"
            domain={[0, 100]}
            unit="%"
          />
          <Tooltip />
          <Legend />
          <Bar
            yAxisId="left"
            dataKey="portal"
            name="Portal requests"
            fill="#1976d2"
          />
          <Bar yAxisId="left" dataKey="tickets" name="Tickets" fill="#ef6c00" />
          <Line
            yAxisId="right"
            dataKey="noTicketShare"
            name="No-ticket share (%)"
            stroke="#2e7d32"
            connectNulls
          />
          <ReferenceLine
            yAxisId="right"
            y={summary.selfService.target * 100}
            stroke="#2e7d32"
            strokeDasharray="4 4"
            label="target"
          />
        </ComposedChart>
      </Chart>
      <Chart title="Portal usage per week">
        <ComposedChart data={usage}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" />
          <YAxis yAxisId="left" allowDecimals={false} />
          <YAxis yAxisId="right" orientation="right" allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar
            yAxisId="right"
            dataKey="pageViews"
            name="Page views"
            fill="#90caf9"
          />
          <Line
            yAxisId="left"
            dataKey="activeUsers"
            name="Active users"
            stroke="#1976d2"
            connectNulls
          />
        </ComposedChart>
      </Chart>
      <Chart title="Platform NPS per month">
        <ComposedChart data={nps}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="month" />
          <YAxis domain={[-100, 100]} />
          <Tooltip />
          <Legend />
          <ReferenceLine y={0} stroke="#9e9e9e" />
          <Line dataKey="score" name="NPS" stroke="#8e24aa" connectNulls />
        </ComposedChart>
      </Chart>
    </Grid>
  );
}
