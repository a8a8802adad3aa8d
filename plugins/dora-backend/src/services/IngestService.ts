import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NormalizedEvent,
  ServiceKeyResolver,
  assertPlausibleTimes,
} from '../domain/events';
import { CatalogServiceMap } from './CatalogServiceMap';
import { DeploymentAncestry } from './DeploymentAncestry';
import { DoraStore } from './DoraStore';

/** Stores validated events with their catalog mapping. */
export class IngestService {
  static create(options: {
    store: DoraStore;
    serviceMap: CatalogServiceMap;
    logger: LoggerService;
    /** Adds the commits the Git host says deployments added (compare API), when configured. */
    ancestry?: DeploymentAncestry;
  }) {
    return new IngestService(
      options.store,
      options.serviceMap,
      options.logger,
      options.ancestry,
    );
  }

  private constructor(
    private readonly store: DoraStore,
    private readonly serviceMap: CatalogServiceMap,
    private readonly logger: LoggerService,
    private readonly ancestry?: DeploymentAncestry,
  ) {}

  /** Checks timestamps and stores the events atomically; returns how many were accepted. */
  async ingest(events: NormalizedEvent[], now = Date.now()): Promise<number> {
    const prepared = await this.prepare(events, now);
    if (prepared.length === 0) {
      return 0;
    }
    await this.store.ingest(prepared, this.serviceMap.resolve, now);
    return events.length;
  }

  /**
   * What storing these events takes, shared with the bulk backfill: checks their times, makes sure
   * the catalog mapping knows their service keys, and adds the commits the Git host says their
   * deployments contain. Returns the events to store.
   */
  async prepare(
    events: NormalizedEvent[],
    now = Date.now(),
  ): Promise<NormalizedEvent[]> {
    assertPlausibleTimes(events, now);
    if (events.length === 0) {
      return [];
    }
    try {
      await this.serviceMap.refresh();
      await this.serviceMap.refreshForKeys(
        events.map(e => ({ type: e.serviceKeyType, key: e.serviceKey })),
      );
    } catch (error) {
      // Events are kept unmapped rather than lost; the periodic remap fixes them later.
      this.logger.warn(
        `DORA: catalog unavailable, storing events unmapped: ${error}`,
      );
    }
    // Commits from the Git host are stored with the deployments, in the same transaction.
    const found = (await this.ancestry?.changesFor(events)) ?? [];
    return [...events, ...found];
  }

  /** The catalog mapping of service keys in force. */
  get resolve(): ServiceKeyResolver {
    return this.serviceMap.resolve;
  }

  /** Re-applies the catalog mapping to stored events. */
  async remap(): Promise<number> {
    await this.serviceMap.refresh(true);
    if (this.serviceMap.components().length === 0) {
      // The catalog has not processed its locations yet (or lost them): unmapping everything now
      // would only be undone a few minutes later.
      this.logger.info('DORA: catalog has no components yet, remap skipped');
      return 0;
    }
    return this.store.remap(this.serviceMap.resolve);
  }
}
