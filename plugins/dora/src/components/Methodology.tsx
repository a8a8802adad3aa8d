import { InfoCard } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import {
  DORA_METRIC_IDS,
  DoraCoverageWarning,
  DoraMetricsResponse,
} from '@internal/plugin-dora-common';
import { METRIC_TITLES } from '../format';

/** The anchor the tiles' "details below" links point to. */
export const METHODOLOGY_ANCHOR = 'dora-methodology';

/**
 * Notes about how a figure is stated rather than doubts about the data behind it: shown as
 * information, not in the error colour that asks a team to act.
 */
export const INFORMATIONAL: ReadonlySet<DoraCoverageWarning['code']> = new Set([
  'approximate-median',
  'no-band-defined',
  // A count of failed production rollouts is a figure of its own, not a gap in the data.
  'failed-rollouts',
]);

/**
 * How the figures are worked out, after the figures: the band report and its notes, each metric's
 * definition and what is known to be missing from the data behind it.
 */
export function Methodology({ value }: { value: DoraMetricsResponse }) {
  return (
    <div id={METHODOLOGY_ANCHOR}>
      <InfoCard title="How these figures are worked out">
        <Typography variant="body2" paragraph>
          Bands of the {value.bandYear} DORA report
          {value.bandNotes.map(note => ` · ${note}`).join('')}
        </Typography>
        {DORA_METRIC_IDS.map(id => {
          const result = value.metrics[id];
          return (
            <Box key={id} mb={1.5}>
              <Typography variant="subtitle2">{METRIC_TITLES[id]}</Typography>
              <Typography variant="body2">{result.definition}</Typography>
              {result.warnings.map(warning =>
                INFORMATIONAL.has(warning.code) ? (
                  <Typography
                    key={warning.code}
                    variant="body2"
                    color="textSecondary"
                  >
                    ⓘ {warning.message}
                  </Typography>
                ) : (
                  // Said in words rather than in the error red, which is below 4.5:1 on white.
                  <Typography
                    key={warning.code}
                    variant="body2"
                    color="textPrimary"
                  >
                    <strong>⚠ Data gap:</strong> {warning.message}
                  </Typography>
                ),
              )}
            </Box>
          );
        })}
      </InfoCard>
    </div>
  );
}
