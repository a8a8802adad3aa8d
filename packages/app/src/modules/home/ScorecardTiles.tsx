import { Box, Chip, Grid, Paper, Typography } from '@material-ui/core';
import { ScorecardFigure } from '@internal/plugin-leadership-common';

/**
 * Chip colours of a figure's standing; each carries white text at 4.5:1 or more (WCAG AA), the
 * same greens and red as the DORA bands.
 */
const TONE_COLOURS: Record<
  NonNullable<ScorecardFigure['standing']>['tone'],
  string
> = {
  good: '#146c2e',
  fair: '#8c5e00',
  poor: '#c62828',
  none: '#616161',
};

const VERDICT_MARKS = {
  better: '▲ better',
  worse: '▼ worse',
  steady: '● steady',
  unknown: '',
} as const;

/** Headline figures as compact tiles: figure, standing, change against the previous period. */
export function ScorecardTiles(props: {
  /** Prefix of the tiles' test ids: `scorecard-<source>-<figure id>`. */
  source: string;
  figures: ScorecardFigure[];
}) {
  const { source, figures } = props;
  return (
    <Grid container spacing={1}>
      {figures.map(figure => (
        <Grid item xs={6} sm={4} key={figure.id}>
          <Paper
            variant="outlined"
            data-testid={`scorecard-${source}-${figure.id}`}
            style={{ height: '100%' }}
          >
            <Box p={1.5}>
              <Typography variant="subtitle2" component="h3">
                {figure.title}
              </Typography>
              <Typography
                variant="h5"
                component="p"
                style={{ whiteSpace: 'nowrap' }}
              >
                {figure.value}
              </Typography>
              {figure.standing && (
                <Chip
                  size="small"
                  label={figure.standing.label}
                  style={{
                    backgroundColor: TONE_COLOURS[figure.standing.tone],
                    color: '#fff',
                  }}
                />
              )}
              {figure.scale && (
                <Typography variant="caption" display="block">
                  {figure.scale}
                </Typography>
              )}
              {figure.change && (
                <Typography variant="caption" display="block">
                  {VERDICT_MARKS[figure.change.verdict]
                    ? `${VERDICT_MARKS[figure.change.verdict]}: `
                    : ''}
                  {figure.change.text}
                </Typography>
              )}
            </Box>
          </Paper>
        </Grid>
      ))}
    </Grid>
  );
}
