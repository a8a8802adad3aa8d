import { Box, Chip, Grid, Paper, Tooltip, Typography } from '@material-ui/core';
import {
  DORA_METRIC_IDS,
  DoraCoverageWarning,
  DoraMetricSet,
} from '@internal/plugin-dora-common';
import { formatMetricValue, formatWorking, METRIC_TITLES } from '../format';
import { BandChip } from './BandChip';
import { ServiceDistribution } from './ServiceDistribution';

/**
 * Notes about how a figure is stated rather than doubts about the data behind it: shown as
 * information, not in the error colour that asks a team to act.
 */
const INFORMATIONAL: ReadonlySet<DoraCoverageWarning['code']> = new Set([
  'approximate-median',
  'no-band-defined',
]);

/**
 * The five metrics as tiles: the figure, its band in colour, the working (numerator and
 * denominator, events behind it) and every coverage warning, with the definition on hover.
 */
export function MetricTiles({ metrics }: { metrics: DoraMetricSet }) {
  return (
    <Grid container spacing={2}>
      {DORA_METRIC_IDS.map(id => {
        const result = metrics[id];
        return (
          <Grid item xs={12} sm={6} md={4} lg key={id}>
            <Paper variant="outlined" data-testid={`dora-metric-${id}`}>
              <Box p={2}>
                <Tooltip title={result.definition}>
                  <Typography variant="subtitle2">
                    {METRIC_TITLES[id]}
                  </Typography>
                </Tooltip>
                <Typography variant="h4">
                  {formatMetricValue(result)}
                </Typography>
                {result.band ? (
                  <BandChip band={result.band} />
                ) : (
                  <Chip size="small" label="no band" variant="outlined" />
                )}
                {result.distribution && (
                  <ServiceDistribution
                    result={result}
                    distribution={result.distribution}
                  />
                )}
                <Typography variant="caption" display="block">
                  {formatWorking(result)} · {result.eventCount} events
                </Typography>
                {result.warnings.map(warning => (
                  <Typography
                    key={warning.code}
                    variant="caption"
                    display="block"
                    color={
                      INFORMATIONAL.has(warning.code)
                        ? 'textSecondary'
                        : 'error'
                    }
                  >
                    {INFORMATIONAL.has(warning.code) ? 'ⓘ' : '⚠'}{' '}
                    {warning.message}
                  </Typography>
                ))}
              </Box>
            </Paper>
          </Grid>
        );
      })}
    </Grid>
  );
}
