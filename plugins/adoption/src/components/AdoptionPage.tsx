import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Box, MenuItem, TextField, Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  DASHBOARD_WINDOW_DAYS,
  DEFAULT_DASHBOARD_WINDOW_DAYS,
} from '@internal/plugin-leadership-common';
import { adoptionApiRef } from '../api/AdoptionApi';
import { MeasureTables } from './MeasureTables';
import { MeasureTiles } from './MeasureTiles';
import { ServicesBehindLatest } from './ServicesBehindLatest';
import { TicketUpload } from './TicketUpload';
import { TrendCharts } from './TrendCharts';

/** The Adoption page: whether the platform pays off, for leadership and the platform team. */
export function AdoptionPage() {
  const api = useApi(adoptionApiRef);
  const [windowDays, setWindowDays] = useState<number>(
    DEFAULT_DASHBOARD_WINDOW_DAYS,
  );
  const access = useAsync(() => api.getAccess(), [api]);
  // Asked for together with the access, not after it: one round trip less before the figures. For
  // someone without the dashboards the summary is refused and never shown (the access decides).
  const summary = useAsyncRetry(
    () => api.getSummary(windowDays),
    [api, windowDays],
  );

  let body: JSX.Element;
  if (access.loading || (summary.loading && !summary.value)) {
    body = <Progress />;
  } else if (access.error) {
    body = <ResponseErrorPanel error={access.error} />;
  } else if (!access.value?.dashboards) {
    body = (
      <Typography paragraph>
        The adoption dashboards are for the leadership groups and the platform
        team (permission <code>leadership.dashboards.read</code>).
      </Typography>
    );
  } else if (summary.error || !summary.value) {
    body = <ResponseErrorPanel error={summary.error ?? new Error('No data')} />;
  } else {
    body = (
      <>
        <Box display="flex" alignItems="center" mb={2}>
          <TextField
            select
            label="Window"
            value={windowDays}
            onChange={e => setWindowDays(Number(e.target.value))}
            variant="outlined"
            size="small"
            // The label in the text colour: MUI's grey is below 4.5:1 on the page background.
            InputLabelProps={{ style: { color: 'inherit' } }}
          >
            {DASHBOARD_WINDOW_DAYS.map(w => (
              <MenuItem key={w} value={w}>
                Last {w} days
              </MenuItem>
            ))}
          </TextField>
          <Box ml={2}>
            <Typography variant="body2">
              {summary.value.window.from.slice(0, 10)} to{' '}
              {summary.value.window.to.slice(0, 10)}
              {' · figures as of '}
              {summary.value.computedAt.slice(11, 16)} UTC
              {summary.value.demoData ? ' · demo data' : ''}
            </Typography>
          </Box>
        </Box>
        <MeasureTiles summary={summary.value} />
        <Box mt={3}>
          <TrendCharts summary={summary.value} />
        </Box>
        <Box mt={3}>
          <MeasureTables summary={summary.value} />
        </Box>
        <Box mt={3}>
          <ServicesBehindLatest />
        </Box>
        {access.value.ticketsImport && (
          <Box mt={3}>
            <TicketUpload onImported={summary.retry} />
          </Box>
        )}
      </>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Adoption"
        subtitle="Golden paths, self-service, usage and satisfaction: does the platform pay off?"
      />
      <Content>{body}</Content>
    </Page>
  );
}
