import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@material-ui/core';
import { DORA_METRIC_IDS } from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../api/DoraApi';
import { formatMetricValue, METRIC_TITLES } from '../format';
import { BandChip } from './BandChip';

/** A compact card for the component overview: the five figures and bands over 30 days. */
export function EntityDoraCard() {
  const { entity } = useEntity();
  const doraApi = useApi(doraApiRef);
  const { value, loading, error } = useAsync(
    () =>
      doraApi.getMetrics({
        scope: 'service',
        ref: stringifyEntityRef(entity),
        windowDays: 30,
      }),
    [doraApi, entity],
  );
  // Not known to the DORA backend yet (just registered) or nothing delivered: say how to connect.
  const unknown =
    error?.name === 'NotFoundError' ||
    (error as { statusCode?: number } | undefined)?.statusCode === 404;
  const empty =
    unknown ||
    (value && Object.values(value.metrics).every(m => m.eventCount === 0));
  return (
    <InfoCard title="DORA, last 30 days">
      {error && !unknown && <ResponseErrorPanel error={error} />}
      {loading && <Progress />}
      {empty && (
        <Typography variant="body2">
          No deployments, changes or incidents in the last 30 days. The DORA tab
          explains how to connect GitHub, Argo CD, PagerDuty or the events API.
        </Typography>
      )}
      {value && !empty && (
        <>
          <Table size="small">
            <TableBody>
              {DORA_METRIC_IDS.map(id => (
                <TableRow key={id}>
                  <TableCell>{METRIC_TITLES[id]}</TableCell>
                  <TableCell>{formatMetricValue(value.metrics[id])}</TableCell>
                  <TableCell>
                    <BandChip band={value.metrics[id].band} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="caption">
            Bands of the {value.bandYear} DORA report. The DORA tab shows the
            working.
          </Typography>
        </>
      )}
    </InfoCard>
  );
}
