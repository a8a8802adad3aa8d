import { InputError } from '@backstage/errors';
import {
  DORA_EARLIEST_TIMESTAMP,
  DORA_MAX_CLOCK_SKEW_MS,
} from '@internal/plugin-dora-common';
import { NormalizedEvent } from '../services/types';

/** Epoch milliseconds of an ISO timestamp already checked by a schema. */
export const ms = (iso: string): number => Date.parse(iso);
export const msOrUndefined = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso);

const EARLIEST = Date.parse(DORA_EARLIEST_TIMESTAMP);

/**
 * Rejects timestamps that are absurd (before 2005), in the future, or out of order, whatever the
 * source. The generic API's schemas check the same; webhooks are checked here after conversion.
 */
export function assertPlausibleTimes(
  events: NormalizedEvent[],
  now: number,
  /** How the message names an event: `event 3` by default, `line 12` for a backfill. */
  label: (index: number) => string = index => `event ${index}`,
): void {
  events.forEach((event, index) => {
    const fields: Array<[string, number | undefined]> = Object.entries(
      event,
    ).filter(
      ([name, value]) => name.endsWith('At') && typeof value === 'number',
    );
    for (const [name, value] of fields) {
      if (!Number.isFinite(value) || value! < EARLIEST) {
        throw new InputError(
          `${label(
            index,
          )}: ${name} must not be before ${DORA_EARLIEST_TIMESTAMP}`,
        );
      }
      if (value! > now + DORA_MAX_CLOCK_SKEW_MS) {
        throw new InputError(
          `${label(index)}: ${name} must not be in the future`,
        );
      }
    }
    if (
      event.type === 'deployment' &&
      event.finishedAt !== undefined &&
      event.finishedAt < event.startedAt
    ) {
      throw new InputError(
        `${label(index)}: finishedAt must not be before startedAt`,
      );
    }
    if (
      event.type === 'incident' &&
      event.resolvedAt !== undefined &&
      event.resolvedAt < event.openedAt
    ) {
      throw new InputError(
        `${label(index)}: resolvedAt must not be before openedAt`,
      );
    }
  });
}
