import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Grid, MenuItem, TextField, Typography } from '@material-ui/core';
import { DoraBreakdownRow, DoraScope } from '@internal/plugin-dora-common';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../api/DoraApi';
import { BreakdownTable } from './BreakdownTable';
import { MetricTiles } from './MetricTiles';
import { TrendChart } from './TrendChart';

const BREAKDOWN_TITLES: Record<DoraScope, string> = {
  organisation: 'Teams',
  team: 'Services',
  service: 'Deploy streams',
  stream: 'Deploy streams',
};

/** Where to go one level down from a breakdown row: a team's services, a service's streams. */
export type DrillDown = (row: DoraBreakdownRow) => void;

/**
 * Metrics of one scope: window picker, the five figures with bands and working, the weekly trend
 * and the breakdown one level down.
 */
export function DoraMetricsView(props: {
  scope: DoraScope;
  /** The team, service or stream ref; `ref` itself is reserved by React. */
  scopeRef?: string;
  onDrillDown?: DrillDown;
  /** Shown instead of an error when the policy refuses this scope to the user. */
  notAllowedFallback?: ReactNode;
}) {
  const { scope, scopeRef, onDrillDown, notAllowedFallback } = props;
  const doraApi = useApi(doraApiRef);
  const [windowDays, setWindowDays] = useState<7 | 30 | 90>(30);
  const { value, loading, error } = useAsync(
    () => doraApi.getMetrics({ scope, ref: scopeRef, windowDays }),
    [doraApi, scope, scopeRef, windowDays],
  );

  const refused =
    error?.name === 'NotAllowedError' ||
    (error as { statusCode?: number } | undefined)?.statusCode === 403;
  if (error && refused && notAllowedFallback) {
    return <>{notAllowedFallback}</>;
  }
  if (error) return <ResponseErrorPanel error={error} />;
  if (loading || !value) return <Progress />;

  const noEvents = Object.values(value.metrics).every(m => m.eventCount === 0);
  if (noEvents && scope === 'service') {
    return (
      <EmptyState
        missing="data"
        title="No delivery events for this component yet"
        description={
          'Connect a source so deployments, changes and incidents reach the portal: add the ' +
          'annotation github.com/project-slug (GitHub webhooks), argocd/app-name (Argo CD ' +
          'notifications) or pagerduty.com/service-id (PagerDuty v3 webhooks) to catalog-info.yaml, ' +
          'or send events to POST /api/dora/events with a source token. See the DORA plugin README.'
        }
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="body2">
            {value.window.from.slice(0, 10)} to {value.window.to.slice(0, 10)} ·
            bands of the {value.bandYear} DORA report
            {value.bandNotes.map(note => ` · ${note}`).join('')}
          </Typography>
          <TextField
            select
            label="Window"
            style={{ minWidth: 160, marginLeft: 16 }}
            value={windowDays}
            onChange={e => setWindowDays(Number(e.target.value) as 7 | 30 | 90)}
            inputProps={{ 'aria-label': 'Window' }}
          >
            <MenuItem value={7}>Last 7 days</MenuItem>
            <MenuItem value={30}>Last 30 days</MenuItem>
            <MenuItem value={90}>Last 90 days</MenuItem>
          </TextField>
        </Box>
      </Grid>
      <Grid item xs={12}>
        <MetricTiles metrics={value.metrics} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Weekly trend">
          <TrendChart trend={value.trend} />
        </InfoCard>
      </Grid>
      {value.breakdown.length > 0 && (
        <Grid item xs={12}>
          <BreakdownTable
            title={BREAKDOWN_TITLES[scope]}
            rows={value.breakdown}
            onSelect={onDrillDown}
          />
        </Grid>
      )}
    </Grid>
  );
}
