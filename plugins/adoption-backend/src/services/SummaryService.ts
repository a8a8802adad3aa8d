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
  eventOnlyRuns,
  factsOfRuns,
  mergeFacts,
  withEventProvenance,
} from '../domain';
import { AdoptionStore } from './AdoptionStore';

/** The windows the scheduled collector keeps computed (the page's choices). */
export const STANDARD_WINDOWS = [30, 90, 180];

/**
 * Loads what the measures need from the store and computes them with the domain functions.
 *
 * Reads are served from stored summaries: the scheduled collector recomputes the standard windows
 * on every run, and a read recomputes (once per process at a time) when its window's summary is
 * missing, older than `maxAgeMs`, or computed before a write that must show at once (events,
 * tickets, analytics, NPS answers: `dataVersion`). Template runs and portal requests come from
 * daily rollups kept at write time, so a recomputation costs about as much as a stored read.
 */
export class SummaryService {
  static create(options: {
    store: AdoptionStore;
    config: AdoptionConfig;
    maxAgeMs?: number;
  }) {
    return new SummaryService(
      options.store,
      options.config,
      options.maxAgeMs ??
        2 * options.config.collector.frequencyMinutes * 60_000,
    );
  }

  private readonly inFlight = new Map<number, Promise<AdoptionSummary>>();

  private constructor(
    private readonly store: AdoptionStore,
    private readonly config: AdoptionConfig,
    private readonly maxAgeMs: number,
  ) {}

  /** The summary of the last `windowDays`, from the stored one when it is current. */
  async summary(
    windowDays: number,
    now = Date.now(),
  ): Promise<AdoptionSummary> {
    const [stored, version] = await Promise.all([
      this.store.storedSummary(windowDays),
      this.store.dataVersion(),
    ]);
    if (
      stored &&
      stored.dataVersion === version &&
      now - stored.computedAt < this.maxAgeMs
    ) {
      return JSON.parse(stored.body);
    }
    return this.refresh(windowDays, now);
  }

  /** Computes and stores the summary of a window; concurrent calls share one computation. */
  async refresh(
    windowDays: number,
    now = Date.now(),
  ): Promise<AdoptionSummary> {
    const running = this.inFlight.get(windowDays);
    if (running) return running;
    const job = (async () => {
      // The version is read first: a write during the computation leaves the result stale.
      const dataVersion = await this.store.dataVersion();
      const summary = await this.compute(windowDays, now);
      await this.store.storeSummary({
        windowDays,
        computedAt: now,
        dataVersion,
        body: JSON.stringify(summary),
      });
      return summary;
    })().finally(() => this.inFlight.delete(windowDays));
    this.inFlight.set(windowDays, job);
    return job;
  }

  /** Computes the measures of the last `windowDays` from the stored data. */
  async compute(
    windowDays: number,
    now = Date.now(),
  ): Promise<AdoptionSummary> {
    const window = { from: now - windowDays * DAY_MS, to: now };
    const { targets } = this.config;
    const [
      components,
      declared,
      firstDeploys,
      provenanceEvents,
      requestFacts,
      runFacts,
      eventOnly,
      tickets,
      usage,
      answers,
    ] = await Promise.all([
      this.store.listComponents(),
      this.store.declaredTemplateVersions(),
      this.store.firstDeploys(),
      this.store.listProvenanceEvents(),
      this.store.portalRequestFacts(window),
      this.store.templateRunFacts(window),
      this.store.eventOnlyRunEvents(window),
      this.store.listTickets(window),
      this.store.usageRollups(window),
      this.store.listNpsAnswers(window),
    ]);
    const withProvenance = withEventProvenance(components, provenanceEvents);
    const templateRuns = computeTemplateRuns(
      mergeFacts(runFacts, factsOfRuns(eventOnlyRuns(eventOnly, new Set()), window)),
      window,
    );
    const selfService = computeSelfService({
      requests: requestFacts,
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
      computedAt: new Date(now).toISOString(),
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
