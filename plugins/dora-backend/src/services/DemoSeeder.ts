import { LoggerService } from '@backstage/backend-plugin-api';
import { generateDemoHistory } from '../demo/generateDemoHistory';
import { DoraStore } from './DoraStore';
import { ServiceKeyResolver } from './types';

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
