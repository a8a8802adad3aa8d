import {
  AdoptionSelfServiceMeasure,
  AdoptionSelfServiceRow,
} from '@internal/plugin-adoption-common';
import { NO_OWNER } from './coverage';
import { AdoptionEventRecord, TicketRecord } from './model';
import {
  compareStrings,
  groupBy,
  HOUR_MS,
  inWindow,
  percentile,
  ratio,
  weeksOf,
  weekStart,
  weightedPercentile,
  Window,
} from './statistics';

/** An infrastructure request fulfilled through the portal. */
export interface PortalRequest {
  id: string;
  team: string;
  requestedAt: number;
  readyAt: number | null;
}

/**
 * Portal requests from adoption events: every self-service request, and every golden-path run that
 * did not fail (a new service). Ready is `readyAt`, else start plus duration, else the event time.
 */
export function portalRequestsOf(
  events: AdoptionEventRecord[],
): PortalRequest[] {
  return events
    .filter(
      e =>
        e.type === 'self-service' ||
        (e.type === 'template-run' && e.status !== 'failed'),
    )
    .map(e => {
      const requestedAt = e.requestedAt ?? e.occurredAt;
      let readyAt = e.readyAt;
      if (readyAt === null && e.durationMs !== null) {
        readyAt = requestedAt + e.durationMs;
      }
      if (readyAt === null && e.status === 'completed') {
        readyAt = e.occurredAt;
      }
      return { id: e.id, team: e.owner ?? NO_OWNER, requestedAt, readyAt };
    });
}

/**
 * What the measure needs of the portal requests made in a window, aggregated: the store computes
 * these with GROUP BY, so a request never loads every event.
 */
export interface PortalRequestFacts {
  counts: Array<{ team: string; weekStart: number; count: number }>;
  /** Whole minutes from request to Ready, with how many requests took that long. */
  readyMinutes: Array<{ minutes: number; count: number }>;
}

/** The facts of individual requests (tests, small sets), aggregated the way the store does. */
export function portalRequestFactsOf(
  requests: PortalRequest[],
  window: Window,
): PortalRequestFacts {
  const counts = new Map<string, PortalRequestFacts['counts'][number]>();
  const minutes = new Map<number, number>();
  for (const r of requests) {
    if (!inWindow(r.requestedAt, window)) continue;
    const week = weekStart(r.requestedAt);
    const key = `${r.team}\u0000${week}`;
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { team: r.team, weekStart: week, count: 1 });
    if (r.readyAt !== null) {
      const m = Math.floor((r.readyAt - r.requestedAt) / 60_000);
      minutes.set(m, (minutes.get(m) ?? 0) + 1);
    }
  }
  return {
    counts: [...counts.values()],
    readyMinutes: [...minutes.entries()].map(([m, count]) => ({
      minutes: m,
      count,
    })),
  };
}

function row(
  team: string,
  portal: number,
  tickets: number,
): AdoptionSelfServiceRow {
  return {
    team,
    portalRequests: portal,
    tickets,
    noTicketShare: ratio(portal, portal + tickets),
  };
}

/**
 * Self-service without tickets: portal requests against tickets opened in the window, per team
 * and overall, with the median time to Ready of each and a weekly trend.
 */
export function computeSelfService(options: {
  requests: PortalRequestFacts;
  tickets: TicketRecord[];
  window: Window;
  target: number;
}): AdoptionSelfServiceMeasure {
  const { window, target, requests } = options;
  const tickets = options.tickets.filter(t => inWindow(t.openedAt, window));
  const portalByTeam = new Map<string, number>();
  const portalByWeek = new Map<number, number>();
  let portalTotal = 0;
  for (const c of requests.counts) {
    portalTotal += c.count;
    portalByTeam.set(c.team, (portalByTeam.get(c.team) ?? 0) + c.count);
    portalByWeek.set(
      c.weekStart,
      (portalByWeek.get(c.weekStart) ?? 0) + c.count,
    );
  }
  const ticketsByTeam = groupBy(tickets, t => t.team ?? NO_OWNER);
  const ticketWeeks = groupBy(tickets, t => String(weekStart(t.openedAt)));
  const teamNames = [
    ...new Set([...portalByTeam.keys(), ...ticketsByTeam.keys()]),
  ].sort(compareStrings);
  const portalP50Minutes = weightedPercentile(
    requests.readyMinutes.map(m => ({ value: m.minutes, count: m.count })),
    0.5,
  );
  return {
    target,
    overall: row('all', portalTotal, tickets.length),
    teams: teamNames.map(team =>
      row(
        team,
        portalByTeam.get(team) ?? 0,
        ticketsByTeam.get(team)?.length ?? 0,
      ),
    ),
    portalTimeToReadyP50Hours:
      portalP50Minutes === null ? null : portalP50Minutes / 60,
    ticketTimeToResolveP50Hours: percentile(
      tickets
        .filter(t => t.resolvedAt !== null)
        .map(t => (t.resolvedAt! - t.openedAt) / HOUR_MS),
      0.5,
    ),
    categories: [...groupBy(tickets, t => t.category).entries()]
      .map(([category, items]) => ({ category, tickets: items.length }))
      .sort(
        (a, b) =>
          b.tickets - a.tickets || compareStrings(a.category, b.category),
      ),
    trend: weeksOf(window).map(w => {
      const portal = portalByWeek.get(w) ?? 0;
      const t = ticketWeeks.get(String(w))?.length ?? 0;
      return {
        weekStart: new Date(w).toISOString(),
        portalRequests: portal,
        tickets: t,
        noTicketShare: ratio(portal, portal + t),
      };
    }),
  };
}
