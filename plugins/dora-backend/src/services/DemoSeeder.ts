import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DEMO_SERVICES,
  generateDemoHistory,
} from '../demo/generateDemoHistory';
import { DoraStore } from './DoraStore';
import { ServiceKeyResolver } from '../domain/events';

/**
 * The catalog's mapping, falling back to the demo organisation's own (demo/systems.yaml): the seed
 * runs while the backend starts, before the catalog has processed its locations. The periodic
 * remap applies the catalog's real answer later.
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
  const seeded = await store.runOnce(DEMO_MARKER, tx =>
    tx.ingest(events, resolve, now),
  );
  if (seeded) {
    logger.info(
      `DORA: seeded ${events.length} demo events (dora.demoData is on)`,
    );
  }
  return seeded;
}
