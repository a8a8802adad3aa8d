import { AdoptionSummary } from '@internal/plugin-adoption-common';
import { AdoptionConfig } from '../config';
import {
  computeCoverage,
  computeNps,
  computeRoi,
  computeSelfService,
  computeTemplateRuns,
  computeTimeToFirstDeploy,
  computeUsage,
  DAY_MS,
  mergeRuns,
  portalRequestsOf,
  withEventProvenance,
} from '../domain';
import { AdoptionStore } from './AdoptionStore';

/** Loads what the measures need from the store and computes them with the domain functions. */
export class SummaryService {
  static create(options: { store: AdoptionStore; config: AdoptionConfig }) {
    return new SummaryService(options.store, options.config);
  }

  private constructor(
    private readonly store: AdoptionStore,
    private readonly config: AdoptionConfig,
  ) {}

  async summary(
    windowDays: number,
    now = Date.now(),
  ): Promise<AdoptionSummary> {
    const window = { from: now - windowDays * DAY_MS, to: now };
    const { targets } = this.config;
    const [
      components,
      declared,
      firstDeploys,
      events,
      runs,
      tickets,
      usage,
      answers,
    ] = await Promise.all([
      this.store.listComponents(),
      this.store.declaredTemplateVersions(),
      this.store.firstDeploys(),
      this.store.listEvents(window),
      this.store.listRuns(window),
      this.store.listTickets(window),
      this.store.usageRollups(window),
      this.store.listNpsAnswers(window),
    ]);
    const withProvenance = withEventProvenance(components, events);
    const templateRuns = computeTemplateRuns(mergeRuns(runs, events), window);
    const selfService = computeSelfService({
      requests: portalRequestsOf(events),
      tickets,
      window,
      target: targets.noTicketShare,
    });
    return {
      window: {
        from: new Date(window.from).toISOString(),
        to: new Date(window.to).toISOString(),
        days: windowDays,
      },
      demoData: this.config.demoData,
      coverage: computeCoverage({
        components: withProvenance,
        declaredVersions: declared,
        target: targets.goldenPathCoverage,
      }),
      templateRuns,
      timeToFirstDeploy: computeTimeToFirstDeploy({
        components: withProvenance,
        firstDeploys,
        window,
        targetHours: targets.timeToFirstDeployHours,
      }),
      selfService,
      usage: computeUsage({
        rollups: usage,
        window,
        identity: this.config.analytics.identity,
      }),
      nps: computeNps(answers, window),
      roi: computeRoi({
        assumptions: this.config.roi,
        windowDays,
        portalRequests: selfService.overall.portalRequests,
        succeededRuns: templateRuns.succeeded,
        ticketP50Hours: selfService.ticketTimeToResolveP50Hours,
        portalP50Hours: selfService.portalTimeToReadyP50Hours,
      }),
    };
  }
}
