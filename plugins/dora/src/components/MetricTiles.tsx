import {
  Box,
  Chip,
  Grid,
  Link,
  Paper,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { DORA_METRIC_IDS, DoraMetricSet } from '@internal/plugin-dora-common';
import { formatMetricValue, formatWorking, METRIC_TITLES } from '../format';
import { BandChip } from './BandChip';
import { INFORMATIONAL, METHODOLOGY_ANCHOR } from './Methodology';
import { ServiceDistribution } from './ServiceDistribution';

/** Doubts about the data behind a figure, as opposed to notes on how it is stated. */
const gaps = (warnings: DoraMetricSet[keyof DoraMetricSet]['warnings']) =>
  warnings.filter(warning => !INFORMATIONAL.has(warning.code)).length;

/**
 * The five metrics as tiles: the figure, its band in colour and the working (numerator and
 * denominator, events behind it), with the definition on hover. What is missing from the data is
 * counted here and spelled out in the methodology below the figures.
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
                {gaps(result.warnings) > 0 && (
                  <Typography variant="caption" display="block">
                    <Link href={`#${METHODOLOGY_ANCHOR}`}>
                      ⚠ {gaps(result.warnings)} data{' '}
                      {gaps(result.warnings) === 1 ? 'gap' : 'gaps'}: details
                      below
                    </Link>
                  </Typography>
                )}
              </Box>
            </Paper>
          </Grid>
        );
      })}
    </Grid>
  );
}
