import { LoggerService } from '@backstage/backend-plugin-api';
import { generateDemoAdoption } from '../demo/generateDemoAdoption';
import { AdoptionData } from './AdoptionData';

/** Marker row that records the demo seed, so only one replica ever seeds, once. */
export const DEMO_MARKER = 'demo-data-v1';

/**
 * Seeds demo adoption data once. Safe with several replicas: the marker insert and the seed share
 * a transaction, and only one replica can insert the marker. Waits (returns false) while the DORA
 * demo history has not yet produced first deployments, unless `force` says not to wait longer,
 * so that the demo's creation times line up with the DORA history.
 */
export async function seedDemoAdoption(options: {
  store: AdoptionData;
  logger: LoggerService;
  now?: number;
  force?: boolean;
}): Promise<boolean> {
  const { store, logger, now = Date.now() } = options;
  const firstDeploys = await store.catalog.firstDeploys();
  if (firstDeploys.size === 0 && !options.force) {
    return false;
  }
  const demo = generateDemoAdoption({ now, firstDeploys });
  const seeded = await store.runOnce(DEMO_MARKER, async tx => {
    await tx.insertEvents(demo.events, now);
    await tx.upsertRuns(demo.runs);
    await tx.upsertTickets(demo.tickets, now);
    await tx.recordUsage(demo.usage);
    await tx.insertNpsAnswers(demo.nps);
    await tx.state.bumpDataVersion();
  });
  if (seeded) {
    logger.info(
      `Adoption: seeded demo data (${demo.runs.length} template runs, ${demo.events.length} events, ${demo.tickets.length} tickets; adoption.demoData is on)`,
    );
  }
  return seeded;
}
