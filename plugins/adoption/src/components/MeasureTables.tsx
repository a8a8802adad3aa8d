import { Grid } from '@material-ui/core';
import {
  AdoptionCoverageRow,
  AdoptionLeadTimeRow,
  AdoptionSelfServiceRow,
  AdoptionSummary,
  AdoptionTemplateRunFailure,
} from '@internal/plugin-adoption-common';
import { MeasureTable } from './MeasureTable';
import {
  countColumn,
  durationColumn,
  hoursColumn,
  shareColumn,
  entityColumn,
  textColumn,
  timestampColumn,
} from './measureColumns';

type TemplateRow = AdoptionSummary['templateRuns']['templates'][number];
type PluginRow = AdoptionSummary['usage']['plugins'][number];
type RoiAssumption = AdoptionSummary['roi']['assumptions'][number];

/** Per-team and per-template tables of the measures, each sortable and exportable. */
export function MeasureTables({ summary }: { summary: AdoptionSummary }) {
  const { coverage, timeToFirstDeploy, selfService, templateRuns, usage, roi } =
    summary;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionCoverageRow>
          title="Golden-path coverage by team"
          fileName="adoption-coverage.csv"
          rows={coverage.teams}
          columns={[
            entityColumn('Team', r => r.team),
            countColumn('Components', r => r.components),
            countColumn('From a template', r => r.fromTemplate),
            shareColumn('Coverage', r => r.coverage),
            shareColumn('On latest version', r => r.latestShare),
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionLeadTimeRow>
          title="Repository to first production deploy by team"
          fileName="adoption-first-deploy.csv"
          rows={timeToFirstDeploy.teams}
          columns={[
            entityColumn('Team', r => r.team),
            countColumn('Deployed', r => r.deployed),
            countColumn('Not yet deployed', r => r.pending),
            hoursColumn('p50', r => r.p50Hours),
            hoursColumn('p95', r => r.p95Hours),
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<AdoptionSelfServiceRow>
          title="Self-service and tickets by team"
          fileName="adoption-self-service.csv"
          rows={selfService.teams}
          columns={[
            entityColumn('Team', r => r.team),
            countColumn('Portal requests', r => r.portalRequests),
            countColumn('Tickets', r => r.tickets),
            shareColumn('No-ticket share', r => r.noTicketShare),
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<TemplateRow>
          title="Template runs by template"
          fileName="adoption-template-runs.csv"
          rows={templateRuns.templates}
          columns={[
            entityColumn('Template', r => r.templateRef),
            countColumn('Runs', r => r.count),
            countColumn('Failed', r => r.failed),
            shareColumn('Success rate', r => r.successRate),
            durationColumn('p50 duration (ms)', r => r.p50DurationMs),
          ]}
        />
      </Grid>
      <Grid item xs={12}>
        <MeasureTable<AdoptionTemplateRunFailure>
          title="Where template runs fail"
          fileName="adoption-template-failures.csv"
          rows={templateRuns.failures}
          columns={[
            entityColumn('Template', r => r.templateRef),
            textColumn('Step', r => r.step),
            textColumn('Error', r => r.message),
            countColumn('Runs', r => r.count),
            timestampColumn('Last', r => r.lastAt),
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<PluginRow>
          title="Page views by plugin"
          fileName="adoption-page-views.csv"
          rows={usage.plugins}
          columns={[
            textColumn('Plugin', r => r.pluginId),
            countColumn('Page views', r => r.pageViews),
          ]}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MeasureTable<RoiAssumption>
          title="Return on investment: assumptions"
          fileName="adoption-roi-assumptions.csv"
          rows={roi.assumptions}
          columns={[
            textColumn('Assumption', r => r.name),
            textColumn('Value', r => r.value),
            textColumn('Source', r => r.source),
          ]}
        />
      </Grid>
    </Grid>
  );
}
