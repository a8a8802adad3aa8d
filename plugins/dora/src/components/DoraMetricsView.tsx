import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Grid, MenuItem, TextField, Typography } from '@material-ui/core';
import {
  DoraBandYear,
  DoraBreakdownRow,
  DoraScope,
} from '@internal/plugin-dora-common';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { DEFAULT_DASHBOARD_WINDOW_DAYS } from '@internal/plugin-leadership-common';
import { doraApiRef } from '../api/DoraApi';
import { BreakdownTable } from './BreakdownTable';
import { Methodology } from './Methodology';
import { MetricTiles } from './MetricTiles';
import { TrendChart } from './TrendChart';
import { WindowPicker } from './WindowPicker';
import { customRange, lastDaysQuery, WindowChoice } from '../window';

const BREAKDOWN_TITLES: Record<DoraScope, string> = {
  organisation: 'Teams',
  team: 'Services',
  service: 'Deploy streams',
  stream: 'Deploy streams',
};

/** The last day a window covers: its end is exclusive. */
function lastDay(to: string): string {
  return new Date(Date.parse(to) - 1).toISOString().slice(0, 10);
}

/** Where a breakdown row's figures one level down are (a team's services): a page address. */
export type DrillDown = (row: DoraBreakdownRow) => string | undefined;

/**
 * Metrics of one scope: window picker, the five figures with bands and working, the weekly trend,
 * the breakdown one level down, and after the figures how they are worked out.
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
  const [choice, setChoice] = useState<WindowChoice>({
    kind: 'last',
    days: DEFAULT_DASHBOARD_WINDOW_DAYS,
  });
  // Empty: the band year configured for the portal (dora.bandYear).
  const [bandYear, setBandYear] = useState<'' | DoraBandYear>('');
  const { value, loading, error } = useAsync(() => {
    const base = { scope, ref: scopeRef, ...(bandYear ? { bandYear } : {}) };
    if (choice.kind === 'last') {
      return doraApi.getMetrics({
        ...base,
        ...lastDaysQuery(choice.days, Date.now()),
      });
    }
    const range = customRange(choice.fromDate, choice.toDate, Date.now());
    if ('error' in range) {
      throw new Error(range.error);
    }
    return doraApi.getMetrics({ ...base, ...range });
  }, [doraApi, scope, scopeRef, choice, bandYear]);

  const refused =
    error?.name === 'NotAllowedError' ||
    (error as { statusCode?: number } | undefined)?.statusCode === 403;
  if (error && refused && notAllowedFallback) {
    return <>{notAllowedFallback}</>;
  }
  // A component the DORA backend does not know yet (just registered) has no events either.
  const unknownComponent =
    scope === 'service' &&
    (error?.name === 'NotFoundError' ||
      (error as { statusCode?: number } | undefined)?.statusCode === 404);
  const noEvents =
    value && Object.values(value.metrics).every(m => m.eventCount === 0);

  let body: ReactNode;
  if (unknownComponent || (noEvents && scope === 'service')) {
    body = (
      <Grid item xs={12}>
        <EmptyState
          missing="data"
          title="No delivery events for this component yet"
          description={
            'Connect a source so deployments, changes and incidents reach the portal: add the ' +
            'annotation github.com/project-slug (GitHub webhooks), gitlab.com/project-slug ' +
            '(GitLab webhooks), argocd/app-name (Argo CD ' +
            'notifications) or pagerduty.com/service-id (PagerDuty v3 webhooks) to catalog-info.yaml, ' +
            'or send events to POST /api/dora/events with a source token (see the DORA backend ' +
            'README for curl examples). If it delivered before this window, pick a longer one above.'
          }
        />
      </Grid>
    );
  } else if (error) {
    body = (
      <Grid item xs={12}>
        <ResponseErrorPanel error={error} />
      </Grid>
    );
  } else if (loading || !value) {
    body = (
      <Grid item xs={12}>
        <Progress />
      </Grid>
    );
  } else {
    body = (
      <>
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
              rowHref={onDrillDown}
            />
          </Grid>
        )}
        <Grid item xs={12}>
          <Methodology value={value} />
        </Grid>
      </>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="body2">
            {value &&
              `${value.window.from.slice(0, 10)} to ${lastDay(
                value.window.to,
              )} · bands of the ${value.bandYear} DORA report`}
          </Typography>
          <Box display="flex" alignItems="flex-start" style={{ gap: 16 }}>
            <WindowPicker value={choice} onChange={setChoice} />
            <TextField
              select
              label="Bands"
              style={{ minWidth: 170 }}
              value={bandYear}
              onChange={e => setBandYear(e.target.value as '' | DoraBandYear)}
              SelectProps={{ displayEmpty: true }}
              // The label in the text colour: MUI's grey is below 4.5:1 on the page background.
              InputLabelProps={{ shrink: true, style: { color: 'inherit' } }}
            >
              <MenuItem value="">As configured</MenuItem>
              <MenuItem value="2023">2023 report</MenuItem>
              <MenuItem value="2024">2024 report</MenuItem>
            </TextField>
          </Box>
        </Box>
      </Grid>
      {body}
    </Grid>
  );
}
