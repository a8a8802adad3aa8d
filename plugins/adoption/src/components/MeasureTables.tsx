import { Grid } from '@material-ui/core';
import {
  AdoptionCoverageRow,
  AdoptionLeadTimeRow,
  AdoptionSelfServiceRow,
  AdoptionSummary,
  AdoptionTemplateRunFailure,
} from '@internal/plugin-adoption-common';
import { formatDuration, formatHours, formatShare } from '../format';
import { MeasureTable } from './MeasureTable';

type TemplateRow = AdoptionSummary['templateRuns']['templates'][number];
type PluginRow = AdoptionSummary['usage']['plugins'][number];

const share = (v: number | null) =>
  v === null ? null : Math.round(v * 1000) / 1000;
const hours = (v: number | null) =>
  v === null ? null : Math.round(v * 10) / 10;

/** Per-team and per-template tables of the measures, each sortable and exportable. */
export function MeasureTables({ summary }: { summary: AdoptionSummary }) {
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionCoverageRow>
          title="Golden-path coverage by team"
          fileName="adoption-coverage.csv"
          rows={summary.coverage.teams}
          columns={[
            { title: 'Team', value: r => r.team },
            { title: 'Components', value: r => r.components, numeric: true },
            {
              title: 'From a template',
              value: r => r.fromTemplate,
              numeric: true,
            },
            {
              title: 'Coverage',
              value: r => share(r.coverage),
              render: r => formatShare(r.coverage),
              numeric: true,
            },
            {
              title: 'On latest version',
              value: r => share(r.latestShare),
              render: r => formatShare(r.latestShare),
              numeric: true,
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionLeadTimeRow>
          title="Repository to first production deploy by team"
          fileName="adoption-first-deploy.csv"
          rows={summary.timeToFirstDeploy.teams}
          columns={[
            { title: 'Team', value: r => r.team },
            { title: 'Deployed', value: r => r.deployed, numeric: true },
            { title: 'Not yet deployed', value: r => r.pending, numeric: true },
            {
              title: 'p50 (h)',
              value: r => hours(r.p50Hours),
              render: r => formatHours(r.p50Hours),
              numeric: true,
            },
            {
              title: 'p95 (h)',
              value: r => hours(r.p95Hours),
              render: r => formatHours(r.p95Hours),
              numeric: true,
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionSelfServiceRow>
          title="Self-service and tickets by team"
          fileName="adoption-self-service.csv"
          rows={summary.selfService.teams}
          columns={[
            { title: 'Team', value: r => r.team },
            {
              title: 'Portal requests',
              value: r => r.portalRequests,
              numeric: true,
            },
            { title: 'Tickets', value: r => r.tickets, numeric: true },
            {
              title: 'No-ticket share',
              value: r => share(r.noTicketShare),
              render: r => formatShare(r.noTicketShare),
              numeric: true,
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<TemplateRow>
          title="Template runs by template"
          fileName="adoption-template-runs.csv"
          rows={summary.templateRuns.templates}
          columns={[
            { title: 'Template', value: r => r.templateRef },
            { title: 'Runs', value: r => r.count, numeric: true },
            { title: 'Failed', value: r => r.failed, numeric: true },
            {
              title: 'Success rate',
              value: r => share(r.successRate),
              render: r => formatShare(r.successRate),
              numeric: true,
            },
            {
              title: 'p50 duration (ms)',
              value: r => r.p50DurationMs,
              render: r => formatDuration(r.p50DurationMs),
              numeric: true,
            },
          ]}
        />
      </Grid>
      <Grid item xs={12}>
        <MeasureTable<AdoptionTemplateRunFailure>
          title="Where template runs fail"
          fileName="adoption-template-failures.csv"
          rows={summary.templateRuns.failures}
          columns={[
            { title: 'Template', value: r => r.templateRef },
            { title: 'Step', value: r => r.step },
            { title: 'Error', value: r => r.message },
            { title: 'Runs', value: r => r.count, numeric: true },
            {
              title: 'Last',
              value: r => r.lastAt.slice(0, 16).replace('T', ' '),
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<PluginRow>
          title="Page views by plugin"
          fileName="adoption-page-views.csv"
          rows={summary.usage.plugins}
          columns={[
            { title: 'Plugin', value: r => r.pluginId },
            { title: 'Page views', value: r => r.pageViews, numeric: true },
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionSummary['roi']['assumptions'][number]>
          title="Return on investment: assumptions"
          fileName="adoption-roi-assumptions.csv"
          rows={summary.roi.assumptions}
          columns={[
            { title: 'Assumption', value: r => r.name },
            { title: 'Value', value: r => r.value },
            { title: 'Source', value: r => r.source },
          ]}
        />
      </Grid>
    </Grid>
  );
}
