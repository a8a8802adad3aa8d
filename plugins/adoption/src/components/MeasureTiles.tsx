import { InfoCard } from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { measureTiles, MeasureTileDefinition } from './measureTiles';
import { TargetChip } from './TargetChip';

function MeasureTile(props: {
  tile: MeasureTileDefinition;
  summary: AdoptionSummary;
}) {
  const { tile, summary } = props;
  const target = tile.target?.(summary);
  return (
    <Grid item xs={12} sm={6} md={4} lg={3}>
      <InfoCard title={tile.title} noPadding>
        <Box p={2} data-testid={`adoption-measure-${tile.id}`}>
          <Typography variant="h4" component="p">
            {tile.value(summary)}
          </Typography>
          {tile.scale && (
            <Typography variant="caption" display="block">
              {tile.scale}
            </Typography>
          )}
          {target && <TargetChip met={target.met} label={target.label} />}
          {tile.details(summary).map(line => (
            <Typography key={line} variant="body2" color="textSecondary">
              {line}
            </Typography>
          ))}
        </Box>
      </InfoCard>
    </Grid>
  );
}

/** The measures at a glance, each with its target. */
export function MeasureTiles({ summary }: { summary: AdoptionSummary }) {
  return (
    <Grid container spacing={2}>
      {measureTiles.map(tile => (
        <MeasureTile key={tile.id} tile={tile} summary={summary} />
      ))}
    </Grid>
  );
}
