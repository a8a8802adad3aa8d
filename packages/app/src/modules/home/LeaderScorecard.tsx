import {
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import { useAdoptionScorecard } from '@internal/plugin-adoption';
import { useDoraScorecard } from '@internal/plugin-dora';
import { DEFAULT_DASHBOARD_WINDOW_DAYS } from '@internal/plugin-leadership-common';
import { AttentionList } from './AttentionList';
import { ScorecardTiles } from './ScorecardTiles';
import { ADOPTION_PATH, DORA_PATH } from './paths';

/**
 * A leader's one screen: the DORA and adoption headline figures of the last 30 days, each with
 * its change against the 30 days before, and what needs attention, linking to the dashboards.
 */
export function LeaderScorecard() {
  const dora = useDoraScorecard({ doraPath: DORA_PATH });
  const adoption = useAdoptionScorecard({ adoptionPath: ADOPTION_PATH });
  const attention = [
    ...(dora.value?.attention ?? []),
    ...(adoption.value?.attention ?? []),
  ];
  return (
    <Grid container spacing={2} data-testid="home-scorecard">
      <Grid item xs={12} lg={6}>
        <InfoCard
          title="Delivery (DORA)"
          subheader={`Last ${DEFAULT_DASHBOARD_WINDOW_DAYS} days, the whole organisation`}
          action={
            <LinkButton to={DORA_PATH} size="small" color="primary">
              Open DORA
            </LinkButton>
          }
        >
          {dora.error && <ResponseErrorPanel error={dora.error} />}
          {dora.loading && <Progress />}
          {dora.value && (
            <ScorecardTiles source="dora" figures={dora.value.figures} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <InfoCard
          title="Platform adoption"
          subheader={`Last ${DEFAULT_DASHBOARD_WINDOW_DAYS} days`}
          action={
            <LinkButton to={ADOPTION_PATH} size="small" color="primary">
              Open Adoption
            </LinkButton>
          }
        >
          {adoption.error && <ResponseErrorPanel error={adoption.error} />}
          {adoption.loading && <Progress />}
          {adoption.value && (
            <ScorecardTiles
              source="adoption"
              figures={adoption.value.figures}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard>
          <Typography variant="h6" component="h2">
            Needs attention
          </Typography>
          <Box mt={1}>
            {dora.loading || adoption.loading ? (
              <Progress />
            ) : (
              <AttentionList items={attention} />
            )}
          </Box>
        </InfoCard>
      </Grid>
    </Grid>
  );
}
