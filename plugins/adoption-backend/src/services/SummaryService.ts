import {
  AdoptionCoverageMeasure,
  AdoptionSummary,
  ServiceBehindLatest,
} from '@internal/plugin-adoption-common';
import { AdoptionConfig } from '../config';
import {
  computeCoverage,
  computeNps,
  computeRoi,
  computeSelfService,
  computeTemplateRuns,
  computeTimeToFirstDeploy,
  computeUsage,
  ComponentRecord,
  DAY_MS,
  servicesBehindLatest,
  eventOnlyRuns,
  factsOfRuns,
  mergeFacts,
  withEventProvenance,
} from '../domain';
import { AdoptionData } from './AdoptionData';

/** The windows the scheduled collector keeps computed (the page's choices). */
export const STANDARD_WINDOWS = [30, 90, 180];

/**
 * Loads what the measures need from the store and computes them with the domain functions.
 *
 * Reads are served from stored summaries: the scheduled collector recomputes the standard windows
 * on every run, and a read recomputes (once per process at a time) when its window's summary is
 * missing, older than `maxAgeMs`, or computed before a write that must show at once (events,
 * tickets, analytics, NPS answers: `dataVersion`) or a catalog change (`catalogVersion`).
 * Template runs and portal requests come from daily rollups kept at write time, so a
 * recomputation costs about as much as a stored read.
 * The catalog-side inputs (components with their provenance, first deploys, and the coverage
 * they give) are kept in memory between recomputations while `catalogVersion` is unchanged, so
 * a write elsewhere does not reload ten thousand components.
 */
export class SummaryService {
  static create(options: {
    store: AdoptionData;
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
  private catalogInputs?: {
    version: number;
    loadedAt: number;
    inputs: Promise<CatalogInputs>;
  };

  private constructor(
    private readonly store: AdoptionData,
    private readonly config: AdoptionConfig,
    private readonly maxAgeMs: number,
  ) {}

  /**
   * Services behind the latest golden path, from the catalog snapshot (refreshed on the
   * collector's schedule).
   */
  async behindLatest(): Promise<ServiceBehindLatest[]> {
    const [components, declared] = await Promise.all([
      this.store.catalog.listComponents(),
      this.store.catalog.declaredTemplateVersions(),
    ]);
    return servicesBehindLatest(components, declared);
  }

  /** The summary of the last `windowDays`, from the stored one when it is current. */
  async summary(
    windowDays: number,
    now = Date.now(),
  ): Promise<AdoptionSummary> {
    const [stored, versions] = await Promise.all([
      this.store.summaries.storedSummary(windowDays),
      this.store.state.versions(),
    ]);
    if (
      stored &&
      stored.dataVersion === versions.dataVersion &&
      stored.catalogVersion === versions.catalogVersion &&
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
      // The versions are read first: a write during the computation leaves the result stale.
      const { dataVersion, catalogVersion } = await this.store.state.versions();
      const summary = await this.compute(windowDays, now, catalogVersion);
      await this.store.summaries.storeSummary({
        windowDays,
        computedAt: now,
        dataVersion,
        catalogVersion,
        body: JSON.stringify(summary),
      });
      return summary;
    })().finally(() => this.inFlight.delete(windowDays));
    this.inFlight.set(windowDays, job);
    return job;
  }

  /**
   * Computes the measures of the last `windowDays` from the stored data; `catalogVersion` (read
   * before, so that a catalog change during the computation reloads next time) selects the
   * catalog-side inputs kept in memory.
   */
  async compute(
    windowDays: number,
    now = Date.now(),
    catalogVersion?: number,
  ): Promise<AdoptionSummary> {
    const window = { from: now - windowDays * DAY_MS, to: now };
    const { targets } = this.config;
    const version =
      catalogVersion ?? (await this.store.state.versions()).catalogVersion;
    const [
      catalog,
      requestFacts,
      runFacts,
      eventOnly,
      tickets,
      usage,
      answers,
    ] = await Promise.all([
      this.catalogInputsAt(version),
      this.store.portalRequestFacts(window),
      this.store.templateRunFacts(window),
      this.store.events.eventOnlyRunEvents(window),
      this.store.tickets.listTickets(window),
      this.store.usage.usageRollups(window),
      this.store.nps.listAnswers(window),
    ]);
    const templateRuns = computeTemplateRuns(
      mergeFacts(
        runFacts,
        factsOfRuns(eventOnlyRuns(eventOnly, new Set()), window),
      ),
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
      coverage: catalog.coverage,
      templateRuns,
      timeToFirstDeploy: computeTimeToFirstDeploy({
        components: catalog.components,
        firstDeploys: catalog.firstDeploys,
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

  /**
   * The catalog-side inputs at `version`: kept from the last load, or loaded (once) now. They are
   * also reloaded after `maxAgeMs`, a safety net for writes that did not count as a catalog change
   * (an older replica during a rolling upgrade, a restored database).
   */
  private catalogInputsAt(version: number): Promise<CatalogInputs> {
    const cached = this.catalogInputs;
    if (
      !cached ||
      cached.version !== version ||
      Date.now() - cached.loadedAt > this.maxAgeMs
    ) {
      const inputs = this.loadCatalogInputs();
      const entry = { version, loadedAt: Date.now(), inputs };
      this.catalogInputs = entry;
      // A failed load is not kept: the next computation tries again.
      inputs.catch(() => {
        if (this.catalogInputs === entry) this.catalogInputs = undefined;
      });
    }
    return this.catalogInputs!.inputs;
  }

  private async loadCatalogInputs(): Promise<CatalogInputs> {
    const [components, declared, firstDeploys, provenanceEvents] =
      await Promise.all([
        this.store.catalog.listComponents(),
        this.store.catalog.declaredTemplateVersions(),
        this.store.catalog.firstDeploys(),
        this.store.events.listProvenanceEvents(),
      ]);
    const withProvenance = withEventProvenance(components, provenanceEvents);
    return {
      components: withProvenance,
      firstDeploys,
      coverage: computeCoverage({
        components: withProvenance,
        declaredVersions: declared,
        target: this.config.targets.goldenPathCoverage,
      }),
    };
  }
}

/** What the summary reads from the catalog side, and the coverage it gives. */
type CatalogInputs = {
  components: ComponentRecord[];
  firstDeploys: Map<string, number>;
  coverage: AdoptionCoverageMeasure;
};
