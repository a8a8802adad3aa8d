import { EventSet } from './model';

/**
 * The events of a set of services, optionally limited to one deploy stream. Incidents, changes and
 * rollbacks belong to services, so a stream keeps all of its service's; incidents without an
 * explicit link then fall back to that stream's deployments only.
 */
export function scopeEvents(
  events: EventSet,
  services: ReadonlySet<string>,
  stream?: string,
): EventSet {
  return {
    deployments: events.deployments.filter(
      d =>
        services.has(d.service) &&
        (stream === undefined || d.stream === stream),
    ),
    changes: events.changes.filter(c => services.has(c.service)),
    incidents: events.incidents.filter(i => services.has(i.service)),
    rollbacks: events.rollbacks.filter(r => services.has(r.service)),
  };
}
