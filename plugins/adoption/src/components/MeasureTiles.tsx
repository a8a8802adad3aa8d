import { InfoCard } from '@backstage/core-components';
import { Box, Grid, Typography } from '@material-ui/core';
import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { ReactNode } from 'react';
import {
  formatDuration,
  formatHours,
  formatMoney,
  formatShare,
  meetsTarget,
} from '../format';
import { TargetChip } from './TargetChip';

function Tile(props: {
  id: string;
  title: string;
  value: string;
  children?: ReactNode;
}) {
  return (
    <Grid item xs={12} sm={6} md={4} lg={3}>
      <InfoCard title={props.title} noPadding>
        <Box p={2} data-testid={`adoption-measure-${props.id}`}>
          <Typography variant="h4" component="p">
            {props.value}
          </Typography>
          {props.children}
        </Box>
      </InfoCard>
    </Grid>
  );
}

const Line = ({ children }: { children: ReactNode }) => (
  <Typography variant="body2" color="textSecondary">
    {children}
  </Typography>
);

/** The measures at a glance, each with its target. */
export function MeasureTiles({ summary }: { summary: AdoptionSummary }) {
  const {
    coverage,
    templateRuns,
    timeToFirstDeploy,
    selfService,
    usage,
    nps,
    roi,
  } = summary;
  return (
    <Grid container spacing={2}>
      <Tile
        id="coverage"
        title="Golden-path coverage"
        value={formatShare(coverage.overall.coverage)}
      >
        <TargetChip
          met={meetsTarget(
            coverage.overall.coverage,
            coverage.target,
            'atLeast',
          )}
          label={`target ≥ ${formatShare(coverage.target)}`}
        />
        <Line>
          {coverage.overall.fromTemplate} of {coverage.overall.components}{' '}
          components from a template;{' '}
          {formatShare(coverage.overall.latestShare)} on the latest template
          version
        </Line>
      </Tile>
      <Tile
        id="templateRuns"
        title="Template runs"
        value={String(templateRuns.count)}
      >
        <Line>
          success rate {formatShare(templateRuns.successRate)} (
          {templateRuns.failed} failed)
        </Line>
        <Line>
          duration p50 {formatDuration(templateRuns.p50DurationMs)} · p95{' '}
          {formatDuration(templateRuns.p95DurationMs)}
        </Line>
      </Tile>
      <Tile
        id="timeToFirstDeploy"
        title="Repository to first production deploy"
        value={`p50 ${formatHours(timeToFirstDeploy.overall.p50Hours)}`}
      >
        <TargetChip
          met={meetsTarget(
            timeToFirstDeploy.overall.p50Hours,
            timeToFirstDeploy.targetHours,
            'atMost',
          )}
          label={`target ≤ ${formatHours(timeToFirstDeploy.targetHours)}`}
        />
        <Line>
          p95 {formatHours(timeToFirstDeploy.overall.p95Hours)} ·{' '}
          {timeToFirstDeploy.overall.deployed} deployed,{' '}
          {timeToFirstDeploy.overall.pending} not yet
        </Line>
      </Tile>
      <Tile
        id="selfService"
        title="Self-service without tickets"
        value={formatShare(selfService.overall.noTicketShare)}
      >
        <TargetChip
          met={meetsTarget(
            selfService.overall.noTicketShare,
            selfService.target,
            'atLeast',
          )}
          label={`target ≥ ${formatShare(selfService.target)}`}
        />
        <Line>
          {selfService.overall.portalRequests} portal requests,{' '}
          {selfService.overall.tickets} tickets
        </Line>
        <Line>
          time to Ready: portal{' '}
          {formatHours(selfService.portalTimeToReadyP50Hours)} · tickets{' '}
          {formatHours(selfService.ticketTimeToResolveP50Hours)} (medians)
        </Line>
      </Tile>
      <Tile
        id="usage"
        title="Weekly active users"
        value={
          usage.weeklyActiveUsers === null
            ? '–'
            : String(usage.weeklyActiveUsers)
        }
      >
        <Line>
          {usage.pageViews.toLocaleString('en-GB')} page views
          {usage.identity === 'drop'
            ? ' (identities are not kept: no user counts)'
            : ''}
        </Line>
      </Tile>
      <Tile
        id="nps"
        title="Platform NPS"
        value={nps.score === null ? '–' : String(nps.score)}
      >
        <Line>
          {nps.responses} answers: {nps.promoters} promoters, {nps.passives}{' '}
          passives, {nps.detractors} detractors
        </Line>
      </Tile>
      <Tile
        id="roi"
        title="Return on investment"
        value={roi.roi === null ? '–' : `${Math.round(roi.roi * 100)}%`}
      >
        <Line>
          {roi.hoursSaved.toLocaleString('en-GB')} h saved ={' '}
          {formatMoney(roi.value, roi.currency)} against{' '}
          {formatMoney(roi.cost, roi.currency)} platform cost
        </Line>
        <Line>assumptions below</Line>
      </Tile>
    </Grid>
  );
}
