import { InputError, NotFoundError } from '@backstage/errors';
import {
  DORA_BAND_TABLES,
  DoraBandYear,
  DoraBreakdownRow,
  DoraMetricsQuery,
  DoraMetricSet,
  DoraMetricsResponse,
  DoraScope,
} from '@internal/plugin-dora-common';
import {
  DailyRollup,
  DAY_MS,
  DeploymentFact,
  EXACT_SAMPLE_LIMIT,
  metricSetFromTally,
  MetricTally,
  serviceMetricSets,
  resolveWindow,
  TallyOptions,
  TimeWindow,
  trendPointFromTally,
  weekStart,
  weekStartDay,
  weeksOf,
} from '../domain';
import { nextStartOfDay, startOfDay } from '../domain/timeZone';
import { normalizeEntityRef } from '@internal/plugin-portal-node';
import { CatalogServiceMap } from './CatalogServiceMap';
import { DoraStore } from './DoraStore';

/** Up to this many deployments in scope, figures are computed from per-deployment facts. */
const EXACT_DEPLOYMENT_LIMIT = 20_000;

const CHILD_SCOPE: Partial<Record<DoraScope, DoraScope>> = {
  organisation: 'team',
  team: 'service',
  service: 'stream',
};

/** Team name for services no catalog component claims. */
export const UNMAPPED_TEAM = 'unmapped';

/** Computes DORA metrics for a scope from stored events. */
export class MetricsService {
  static create(options: {
    store: DoraStore;
    serviceMap: CatalogServiceMap;
    bandYear: DoraBandYear;
    incidentFallbackHours: number;
    /** IANA time zone whose midnights start the windows (`dora.reportingTimeZone`). Default UTC. */
    reportingTimeZone?: string;
    /** Largest scope (commits or recoveries) computed exactly; tests lower it. */
    exactSampleLimit?: number;
  }) {
    return new MetricsService(options);
  }

  private constructor(
    private readonly options: {
      store: DoraStore;
      serviceMap: CatalogServiceMap;
      bandYear: DoraBandYear;
      incidentFallbackHours: number;
      reportingTimeZone?: string;
      exactSampleLimit?: number;
    },
  ) {}

  async getMetrics(
    query: DoraMetricsQuery,
    now = Date.now(),
  ): Promise<DoraMetricsResponse> {
    const { store, serviceMap } = this.options;
    const requested = resolveWindow(query, now);
    const bandYear =
      (query.bandYear as DoraBandYear | undefined) ?? this.options.bandYear;
    await serviceMap.refresh();

    const { ref, services, stream } = await this.resolveScope(
      query.scope,
      query.ref,
    );
    const window = this.reportingWindow(requested, now);
    const rows = await this.loadRows(window, now, services, stream);
    const [withIncidents, unlinked, failedRollouts] = await Promise.all([
      store.servicesWithIncidents(),
      store.unlinkedIncidentCounts({ services, ...window }),
      store.failedRollouts({ services, stream, ...window }),
    ]);
    const incidentSources = new Set([
      ...withIncidents,
      ...serviceMap.componentsWithIncidentSource(),
    ]);
    const options: TallyOptions = {
      bandYear,
      fallbackWindowHours: this.options.incidentFallbackHours,
      servicesWithIncidentSource: incidentSources,
      hasIncidentSource: service => incidentSources.has(service),
      scope: query.scope,
      level: query.scope === 'stream' ? 'stream' : 'service',
    };
    // Team and organisation figures are distributions of per-service figures: one tally per
    // service, which the organisation's team rows share.
    const rolledUp = query.scope === 'team' || query.scope === 'organisation';
    const serviceTallies = new Map<string, MetricTally>();
    const serviceTally = (service: string) => {
      let tally = serviceTallies.get(service);
      if (!tally) {
        tally = new MetricTally();
        serviceTallies.set(service, tally);
      }
      return tally;
    };

    // One pass over the rows feeds the scope, its weeks and its breakdown groups.
    const total = new MetricTally();
    const weeks = new Map(
      weeksOf(window).map(w => [
        weekStart(w.from),
        { window: w, tally: new MetricTally() },
      ]),
    );
    const groupOf = this.groupKey(query.scope, ref);
    const groups = new Map<string, MetricTally>();
    const groupTally = (service: string, streamName: string) => {
      const key = groupOf?.(service, streamName);
      if (key === undefined) {
        return undefined;
      }
      let tally = groups.get(key);
      if (!tally) {
        tally = new MetricTally();
        groups.set(key, tally);
      }
      return tally;
    };
    for (const r of rows.rollups) {
      total.addRollup(r);
      weeks.get(weekStart(r.day * DAY_MS))?.tally.addRollup(r);
      groupTally(r.service, r.stream)?.addRollup(r);
      if (rolledUp && query.scope === 'organisation') {
        serviceTally(r.service).addRollup(r);
      }
    }
    for (const f of rows.facts) {
      total.addFact(f);
      weeks.get(weekStart(f.finishedAt))?.tally.addFact(f);
      groupTally(f.service, f.stream)?.addFact(f);
      if (rolledUp && query.scope === 'organisation') {
        serviceTally(f.service).addFact(f);
      }
    }
    for (const r of failedRollouts) {
      total.addFailedRollouts(r.count);
      groupTally(r.service, r.stream)?.addFailedRollouts(r.count);
      if (rolledUp && query.scope === 'organisation') {
        serviceTally(r.service).addFailedRollouts(r.count);
      }
    }
    for (const [service, count] of unlinked) {
      total.addUnlinkedIncidents(service, count);
      if (query.scope === 'organisation') {
        // A team whose services only reported incidents still gets its row.
        groupTally(service, '')?.addUnlinkedIncidents(service, count);
        serviceTally(service).addUnlinkedIncidents(service, count);
      } else if (query.scope === 'team') {
        groups.get(service)?.addUnlinkedIncidents(service, count);
      } else {
        // Incidents belong to the service: every stream row shows them.
        groups.forEach(tally => tally.addUnlinkedIncidents(service, count));
      }
    }
    // A team's service rows are its per-service tallies.
    // Each service's own metrics, computed once: the scope and the organisation's team rows
    // are distributions of them.
    const perService = rolledUp
      ? serviceMetricSets(
          query.scope === 'team' ? groups : serviceTallies,
          window,
          options,
        )
      : undefined;
    const byTeam = new Map<string, Map<string, DoraMetricSet>>();
    if (query.scope === 'organisation') {
      for (const [service, set] of perService!) {
        const team = groupOf!(service, '');
        byTeam.set(team, (byTeam.get(team) ?? new Map()).set(service, set));
      }
    }
    const childOptions: TallyOptions = {
      ...options,
      scope: CHILD_SCOPE[query.scope],
      level: query.scope === 'service' ? 'stream' : 'service',
    };

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
      metrics: metricSetFromTally(total, window, options, perService),
      trend: [...weeks.values()].map(w =>
        trendPointFromTally(w.tally, w.window, {
          ...options,
          scope: undefined,
        }),
      ),
      breakdown: [...groups]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([key, tally]): DoraBreakdownRow => ({
            scope: CHILD_SCOPE[query.scope]!,
            ref: query.scope === 'service' ? `${ref}#${key}` : key,
            metrics:
              query.scope === 'team'
                ? perService!.get(key)!
                : metricSetFromTally(
                    tally,
                    window,
                    childOptions,
                    byTeam.get(key) ?? new Map(),
                  ),
          }),
        ),
    };
  }

  /**
   * The window reported, the same at every scope however its figures are read: from the first
   * midnight of the reporting time zone inside the requested range, to its end if that is now,
   * else to the last midnight before it. A range too short to hold a midnight is kept as asked.
   */
  private reportingWindow(requested: TimeWindow, now: number): TimeWindow {
    const zone = this.options.reportingTimeZone ?? 'UTC';
    const window = {
      from: nextStartOfDay(requested.from, zone),
      to: requested.to >= now ? requested.to : startOfDay(requested.to, zone),
    };
    return window.to > window.from ? window : requested;
  }

  /**
   * The stored rows behind a window. When the scope is small enough for exact medians: every
   * deployment's facts in the window. Otherwise the weekly rollups of its whole UTC weeks, the daily
   * rollups of the whole UTC days around them (up to now: today's rollup holds everything so far)
   * and the facts of the partial UTC days at its edges (a reporting time zone other than UTC).
   */
  private async loadRows(
    window: TimeWindow,
    now: number,
    services: string[] | undefined,
    stream: string | undefined,
  ): Promise<{
    rollups: DailyRollup[];
    facts: DeploymentFact[];
  }> {
    const { store } = this.options;
    const live = window.to >= now;
    const firstDay = Math.ceil(window.from / DAY_MS);
    const endDay = Math.max(
      firstDay,
      Math.floor(window.to / DAY_MS) + (live ? 1 : 0),
    );
    // Whole weeks from the weekly rollups, the days around them from the daily ones.
    let firstWeek = weekStartDay(firstDay);
    if (firstWeek < firstDay) {
      firstWeek += 7;
    }
    const endWeek = Math.max(firstWeek, weekStartDay(endDay));
    const scope = { services, stream };
    const rollups = (
      await Promise.all([
        store.loadRollups({
          ...scope,
          fromDay: firstWeek,
          toDay: endWeek,
          weekly: true,
        }),
        store.loadRollups({
          ...scope,
          fromDay: firstDay,
          toDay: Math.min(firstWeek, endDay),
        }),
        store.loadRollups({
          ...scope,
          fromDay: Math.max(endWeek, firstDay),
          toDay: endDay,
        }),
      ])
    ).flat();
    let deployments = 0;
    let commits = 0;
    let recovered = 0;
    for (const r of rollups) {
      deployments += r.deployments;
      commits += r.commits;
      recovered += r.recovered;
    }
    const limit = this.options.exactSampleLimit ?? EXACT_SAMPLE_LIMIT;
    if (
      window.to <= window.from ||
      endDay <= firstDay ||
      (deployments <= Math.min(limit, EXACT_DEPLOYMENT_LIMIT) &&
        commits <= limit &&
        recovered <= limit)
    ) {
      return {
        rollups: [],
        facts: await store.loadFacts({ services, stream, ...window }),
      };
    }
    for (const r of rollups) {
      // Parsed once here rather than once per tally the row feeds.
      r.leadTimeHistogram = JSON.parse(r.leadTimeHistogram as string);
      r.recoveryHistogram = JSON.parse(r.recoveryHistogram as string);
      if (typeof r.deploymentDays === 'string') {
        r.deploymentDays = JSON.parse(r.deploymentDays);
      }
    }
    const edges = await Promise.all([
      store.loadFacts({
        services,
        stream,
        from: window.from,
        to: firstDay * DAY_MS,
      }),
      live
        ? []
        : store.loadFacts({
            services,
            stream,
            from: endDay * DAY_MS,
            to: window.to,
          }),
    ]);
    return { rollups, facts: edges.flat() };
  }

  /** Which breakdown row a service (and stream) belongs to, one level below the scope. */
  private groupKey(
    scope: DoraScope,
    ref: string,
  ): ((service: string, stream: string) => string) | undefined {
    if (scope === 'organisation') {
      const owners = new Map(
        this.options.serviceMap.components().map(c => [c.ref, c.owner]),
      );
      return service => owners.get(service) ?? UNMAPPED_TEAM;
    }
    if (scope === 'team') {
      return service => service;
    }
    if (scope === 'service') {
      return (service, stream) => (service === ref ? stream : '');
    }
    return undefined;
  }

  private async resolveScope(
    scope: DoraScope,
    rawRef: string | undefined,
  ): Promise<{ ref: string; services?: string[]; stream?: string }> {
    const { serviceMap } = this.options;
    if (scope === 'organisation') {
      return { ref: 'organisation' };
    }
    if (scope === 'team') {
      const ref = normalizeEntityRef(rawRef!.trim(), { defaultKind: 'group' });
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
    const ref = normalizeEntityRef(serviceRef.trim(), {
      defaultKind: 'component',
    });
    // A component the catalog has not (yet) listed still shows the events stored for it.
    if (
      !ref ||
      (!serviceMap.components().some(c => c.ref === ref) &&
        !(await this.options.store.hasFacts(ref)))
    ) {
      throw new NotFoundError(
        `ref: no component '${serviceRef}' in the catalog`,
      );
    }
    return { ref: stream ? `${ref}#${stream}` : ref, services: [ref], stream };
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
