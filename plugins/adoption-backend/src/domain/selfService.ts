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
  requests: PortalRequest[];
  tickets: TicketRecord[];
  window: Window;
  target: number;
}): AdoptionSelfServiceMeasure {
  const { window, target } = options;
  const requests = options.requests.filter(r =>
    inWindow(r.requestedAt, window),
  );
  const tickets = options.tickets.filter(t => inWindow(t.openedAt, window));
  const portalByTeam = groupBy(requests, r => r.team);
  const ticketsByTeam = groupBy(tickets, t => t.team ?? NO_OWNER);
  const teamNames = [
    ...new Set([...portalByTeam.keys(), ...ticketsByTeam.keys()]),
  ].sort(compareStrings);
  const portalWeeks = groupBy(requests, r => String(weekStart(r.requestedAt)));
  const ticketWeeks = groupBy(tickets, t => String(weekStart(t.openedAt)));
  const hours = (values: number[]) => percentile(values, 0.5);
  return {
    target,
    overall: row('all', requests.length, tickets.length),
    teams: teamNames.map(team =>
      row(
        team,
        portalByTeam.get(team)?.length ?? 0,
        ticketsByTeam.get(team)?.length ?? 0,
      ),
    ),
    portalTimeToReadyP50Hours: hours(
      requests
        .filter(r => r.readyAt !== null)
        .map(r => (r.readyAt! - r.requestedAt) / HOUR_MS),
    ),
    ticketTimeToResolveP50Hours: hours(
      tickets
        .filter(t => t.resolvedAt !== null)
        .map(t => (t.resolvedAt! - t.openedAt) / HOUR_MS),
    ),
    categories: [...groupBy(tickets, t => t.category).entries()]
      .map(([category, items]) => ({ category, tickets: items.length }))
      .sort(
        (a, b) =>
          b.tickets - a.tickets || compareStrings(a.category, b.category),
      ),
    trend: weeksOf(window).map(w => {
      const portal = portalWeeks.get(String(w))?.length ?? 0;
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
