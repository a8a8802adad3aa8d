import { useTheme } from '@material-ui/core';
import { DoraTrendPoint } from '@internal/plugin-dora-common';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** Weekly trend: deployments per day and change lead time, on their own axes. */
export function TrendChart({ trend }: { trend: DoraTrendPoint[] }) {
  // recharts draws its text in fixed greys; the theme's text colours keep it readable in dark mode.
  const theme = useTheme();
  const tick = { fill: theme.palette.text.secondary };
  const data = trend.map(point => ({
    week: point.weekStart.slice(0, 10),
    deploymentsPerDay: point.deploymentsPerDay,
    leadTimeHours: point.changeLeadTimeHours,
    failureRatePercent:
      point.changeFailureRate === null ? null : point.changeFailureRate * 100,
  }));
  return (
    <ResponsiveContainer width="100%" height={280}>
      <LineChart data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="week" tick={tick} />
        <YAxis yAxisId="left" tick={tick} />
        <YAxis yAxisId="right" orientation="right" tick={tick} />
        <Tooltip
          contentStyle={{
            backgroundColor: theme.palette.background.paper,
            color: theme.palette.text.primary,
          }}
        />
        <Legend />
        <Line
          yAxisId="left"
          type="monotone"
          dataKey="deploymentsPerDay"
          name="Deployments per day"
          stroke="#1976d2"
          connectNulls
        />
        <Line
          yAxisId="right"
          type="monotone"
          dataKey="leadTimeHours"
          name="Lead time (h, median)"
          stroke="#8e24aa"
          connectNulls
        />
        <Line
          yAxisId="left"
          type="monotone"
          dataKey="failureRatePercent"
          name="Change failure rate (%)"
          stroke="#c62828"
          connectNulls
        />
      </LineChart>
    </ResponsiveContainer>
  );
}
