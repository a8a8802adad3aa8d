import { Box, Tooltip, Typography } from '@material-ui/core';
import {
  DORA_BANDS,
  DoraMetricResult,
  DoraServiceDistribution,
} from '@internal/plugin-dora-common';
import { BAND_COLOURS, formatMetricValue } from '../format';

function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}

/**
 * How a team's or the organisation's services spread over one metric: the median of their own
 * figures and the share of services in each band, as a bar with a line of text for screen
 * readers and print. A team figure is never the band of a sum (issue 16).
 */
export function ServiceDistribution({
  result,
  distribution,
}: {
  result: Pick<DoraMetricResult, 'unit' | 'metric'>;
  distribution: DoraServiceDistribution;
}) {
  const { services, withoutValue, median, bands, withoutBand } = distribution;
  const banded = DORA_BANDS.filter(band => bands[band] > 0);
  const shares = banded
    .map(band => `${band} ${percent(bands[band], services)}`)
    .join(' · ');
  const summary = [
    `Median of ${services} service${
      services === 1 ? '' : 's'
    }: ${formatMetricValue({ value: median, unit: result.unit })}`,
    shares,
    withoutBand > 0 ? `no band ${percent(withoutBand, services)}` : '',
    withoutValue > 0 ? `${withoutValue} without a figure` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Box mt={1} data-testid={`dora-distribution-${result.metric}`}>
      {banded.length > 0 && (
        <Box
          display="flex"
          height={8}
          borderRadius={4}
          overflow="hidden"
          aria-hidden
        >
          {banded.map(band => (
            <Tooltip
              key={band}
              title={`${bands[band]} of ${services} services ${band}`}
            >
              <Box
                flexGrow={bands[band]}
                style={{ backgroundColor: BAND_COLOURS[band] }}
              />
            </Tooltip>
          ))}
        </Box>
      )}
      <Typography variant="caption" display="block">
        {summary}
      </Typography>
    </Box>
  );
}
