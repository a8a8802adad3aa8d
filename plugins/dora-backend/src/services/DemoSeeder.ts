import { LoggerService } from '@backstage/backend-plugin-api';
import { chunks } from '@internal/plugin-portal-node';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  DEMO_SERVICES,
  generateDemoHistory,
} from '../demo/generateDemoHistory';
import { DoraStore } from './DoraStore';
import { ServiceKeyResolver } from '../domain/events';

/**
 * The catalog's mapping, falling back to the demo organisation's own (demo/systems.yaml): the seed
 * runs seconds after the backend starts, before the catalog has processed its locations. The
 * periodic remap applies the catalog's real answer later.
 */
export function demoResolver(catalog: ServiceKeyResolver): ServiceKeyResolver {
  const own = new Map<string, string>();
  for (const service of DEMO_SERVICES) {
    const ref = `component:default/${service.name}`;
    own.set(`github\u0000fernhill/${service.name}`, ref);
    own.set(`entity\u0000${ref}`, ref);
  }
  return (type, key) =>
    catalog(type, key) ??
    own.get(`${type}\u0000${key.toLocaleLowerCase('en-US')}`) ??
    null;
}

/** Marker row that records the demo seed, so only one replica ever seeds, once. */
export const DEMO_MARKER = 'demo-data-v1';

/** The scheduled task that seeds the demo history after the backend has started. */
export const DEMO_SEED_TASK = 'dora-demo-seed';

/**
 * Events stored per step of the seed. Between steps the event loop serves requests, so a seed of
 * seconds does not stall the rest of the backend for seconds.
 */
const SEED_STEP_EVENTS = 400;

/**
 * Seeds 90 days of demo history when the store holds no events. Safe with several replicas: the
 * marker insert and the seed share a transaction, and only one replica can insert the marker.
 */
export async function seedDemoData(options: {
  store: DoraStore;
  resolve: ServiceKeyResolver;
  logger: LoggerService;
  now?: number;
}): Promise<boolean> {
  const { store, resolve, logger, now = Date.now() } = options;
  const counts = await store.counts();
  if (Object.values(counts).some(n => n > 0)) {
    return false;
  }
  const events = generateDemoHistory({ now });
  const seeded = await store.runOnce(DEMO_MARKER, async tx => {
    for (const step of chunks(events, SEED_STEP_EVENTS)) {
      await tx.ingest(step, resolve, now);
      await nextTurn();
    }
  });
  if (seeded) {
    logger.info(
      `DORA: seeded ${events.length} demo events (dora.demoData is on)`,
    );
  }
  return seeded;
}
