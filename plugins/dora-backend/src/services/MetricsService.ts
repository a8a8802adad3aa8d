import { InputError, NotFoundError } from '@backstage/errors';
import {
  DORA_BAND_TABLES,
  DoraBandYear,
  DoraBreakdownRow,
  DoraMetricsQuery,
  DoraMetricsResponse,
  DoraScope,
} from '@internal/plugin-dora-common';
import {
  Analysis,
  analyse,
  computeMetricSet,
  computeTrend,
  DAY_MS,
  EventSet,
  HOUR_MS,
  MetricOptions,
  resolveWindow,
  scopeEvents,
  TimeWindow,
} from '../domain';
import { CatalogServiceMap, normalizeRef } from './CatalogServiceMap';
import { DoraStore } from './DoraStore';

/** How far before the window deployments are read, to know which commits already shipped. */
const LOOKBACK_MS = 30 * DAY_MS;

/** Team name for services no catalog component claims. */
export const UNMAPPED_TEAM = 'unmapped';

/** Computes DORA metrics for a scope from stored events. */
export class MetricsService {
  static create(options: {
    store: DoraStore;
    serviceMap: CatalogServiceMap;
    bandYear: DoraBandYear;
    incidentFallbackHours: number;
  }) {
    return new MetricsService(options);
  }

  private constructor(
    private readonly options: {
      store: DoraStore;
      serviceMap: CatalogServiceMap;
      bandYear: DoraBandYear;
      incidentFallbackHours: number;
    },
  ) {}

  async getMetrics(
    query: DoraMetricsQuery,
    now = Date.now(),
  ): Promise<DoraMetricsResponse> {
    const { store, serviceMap } = this.options;
    const window = resolveWindow(query, now);
    const bandYear =
      (query.bandYear as DoraBandYear | undefined) ?? this.options.bandYear;
    await serviceMap.refresh();

    const { ref, services, stream } = this.resolveScope(query.scope, query.ref);
    const loaded = await store.loadEvents({
      entityRefs: services,
      from: window.from,
      to: window.to,
      lookbackMs: LOOKBACK_MS,
    });
    const incidentSources = new Set([
      ...(await store.servicesWithIncidents()),
      ...serviceMap.componentsWithIncidentSource(),
    ]);
    const options: MetricOptions = {
      bandYear,
      fallbackWindowHours: this.options.incidentFallbackHours,
      servicesWithIncidentSource: incidentSources,
    };
    const events =
      stream !== undefined
        ? scopeEvents(loaded, new Set(services), stream)
        : loaded;
    const analysis = analyse(
      events,
      this.options.incidentFallbackHours * HOUR_MS,
    );

    return {
      scope: query.scope,
      ref,
      window: {
        from: new Date(window.from).toISOString(),
        to: new Date(window.to).toISOString(),
        days: (window.to - window.from) / DAY_MS,
      },
      bandYear,
      bandNotes: DORA_BAND_TABLES[bandYear].notes,
      metrics: computeMetricSet(analysis, window, options),
      trend: computeTrend(analysis, window, options),
      breakdown: this.breakdown(
        query.scope,
        ref,
        events,
        analysis,
        window,
        options,
      ),
    };
  }

  private resolveScope(
    scope: DoraScope,
    rawRef: string | undefined,
  ): { ref: string; services?: string[]; stream?: string } {
    const { serviceMap } = this.options;
    if (scope === 'organisation') {
      return { ref: 'organisation' };
    }
    if (scope === 'team') {
      const ref = normalizeRef(rawRef!, 'group');
      const services = ref ? serviceMap.componentsOwnedBy(ref) : [];
      if (!ref || services.length === 0) {
        throw new NotFoundError(
          `ref: no team '${rawRef}' owning components in the catalog`,
        );
      }
      return { ref, services };
    }
    const [serviceRef, stream] =
      scope === 'stream' ? splitStreamRef(rawRef!) : [rawRef!, undefined];
    const ref = normalizeRef(serviceRef, 'component');
    if (!ref || !serviceMap.components().some(c => c.ref === ref)) {
      throw new NotFoundError(
        `ref: no component '${serviceRef}' in the catalog`,
      );
    }
    return { ref: stream ? `${ref}#${stream}` : ref, services: [ref], stream };
  }

  private breakdown(
    scope: DoraScope,
    ref: string,
    events: EventSet,
    analysis: Analysis,
    window: TimeWindow,
    options: MetricOptions,
  ): DoraBreakdownRow[] {
    // Teams and services reuse the scope's analysis; streams need their own, because commits and
    // fallback links are judged per stream there.
    const subset = (
      childScope: DoraScope,
      childRef: string,
      services: Set<string>,
    ) => ({
      scope: childScope,
      ref: childRef,
      metrics: computeMetricSet(analysis, window, options, s =>
        services.has(s),
      ),
    });
    if (scope === 'organisation') {
      const teams = new Map<string, Set<string>>();
      const owners = new Map(
        this.options.serviceMap.components().map(c => [c.ref, c.owner]),
      );
      const services = new Set([
        ...events.deployments.map(d => d.service),
        ...events.incidents.map(i => i.service),
      ]);
      for (const service of services) {
        const team = owners.get(service) ?? UNMAPPED_TEAM;
        teams.set(team, (teams.get(team) ?? new Set()).add(service));
      }
      return [...teams]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([team, members]) => subset('team', team, members));
    }
    if (scope === 'team') {
      const services = [
        ...new Set(events.deployments.map(d => d.service)),
      ].sort();
      return services.map(s => subset('service', s, new Set([s])));
    }
    if (scope === 'service') {
      const fallbackMs = this.options.incidentFallbackHours * HOUR_MS;
      const streams = [
        ...new Set(
          events.deployments.filter(d => d.production).map(d => d.stream),
        ),
      ].sort();
      return streams.map(s => ({
        scope: 'stream' as const,
        ref: `${ref}#${s}`,
        metrics: computeMetricSet(
          analyse(scopeEvents(events, new Set([ref]), s), fallbackMs),
          window,
          options,
        ),
      }));
    }
    return [];
  }
}

/** `component:default/payments-api#production/eu` -> service ref and stream. */
function splitStreamRef(ref: string): [string, string] {
  const at = ref.lastIndexOf('#');
  if (at <= 0 || at === ref.length - 1) {
    throw new InputError(
      `ref: a stream is named '<component ref>#<stream>', got '${ref}'`,
    );
  }
  return [ref.slice(0, at), ref.slice(at + 1)];
}
