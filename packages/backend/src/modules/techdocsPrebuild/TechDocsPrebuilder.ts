import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** Where an entity's docs live in TechDocs' URLs. */
export interface DocsEntityName {
  kind: string;
  namespace: string;
  name: string;
}

/** What one pass did: entities whose docs were built now, and those whose build failed. */
export interface PrebuildResult {
  built: DocsEntityName[];
  failed: Array<{ entity: DocsEntityName; message: string }>;
}

/** The outcome of one TechDocs sync, read from its event stream. */
export type SyncOutcome =
  | { kind: 'finished'; updated: boolean }
  | { kind: 'failed'; message: string };

/**
 * Reads the outcome of a TechDocs sync from its event stream (`event: log|finish|error` followed
 * by a `data:` line of JSON). A stream that ends without either is a failure.
 */
export function readSyncOutcome(eventStream: string): SyncOutcome {
  let event: string | undefined;
  for (const line of eventStream.split(/\r?\n/)) {
    if (line.startsWith('event:')) {
      event = line.slice('event:'.length).trim();
    } else if (line.startsWith('data:') && event) {
      const data = JSON.parse(line.slice('data:'.length).trim());
      if (event === 'finish') {
        return { kind: 'finished', updated: Boolean(data?.updated) };
      }
      if (event === 'error') {
        return { kind: 'failed', message: String(data) };
      }
    }
  }
  return { kind: 'failed', message: 'the sync ended without a result' };
}

/**
 * How long an entity whose build failed is left alone: a failed build is not retried every pass,
 * where it would fail again until someone fixes the docs.
 */
const retryFailedAfterMs = 30 * 60_000;

const entityPath = (e: DocsEntityName) =>
  [e.namespace, e.kind, e.name].map(encodeURIComponent).join('/');

/**
 * Builds the TechDocs of every catalog entity that has docs (`backstage.io/techdocs-ref`) but
 * none published yet, through the TechDocs backend's own sync endpoint, as a reader's first
 * visit would. With the local builder docs exist only once someone opened them, so the search
 * collator, which reads each entity's published search index, found nothing to index.
 */
export class TechDocsPrebuilder {
  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    return new TechDocsPrebuilder(
      options.discovery,
      options.auth,
      options.logger,
    );
  }

  /** When each entity's last build failed, by entity path. */
  private readonly failedAt = new Map<string, number>();

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
  ) {}

  /** Builds what is missing; entities whose build failed less than 30 minutes ago wait. */
  async buildMissingDocs(now: Date = new Date()): Promise<PrebuildResult> {
    const result: PrebuildResult = { built: [], failed: [] };
    for (const entity of await this.entitiesWithDocs()) {
      const failedAt = this.failedAt.get(entityPath(entity));
      if (
        failedAt !== undefined &&
        now.getTime() - failedAt < retryFailedAfterMs
      ) {
        continue;
      }
      if (await this.hasPublishedDocs(entity)) {
        continue;
      }
      const outcome = await this.sync(entity);
      if (outcome.kind === 'finished') {
        this.failedAt.delete(entityPath(entity));
        result.built.push(entity);
      } else {
        this.failedAt.set(entityPath(entity), now.getTime());
        this.logger.warn(
          `TechDocs for ${entityPath(entity)} could not be built: ${
            outcome.message
          }`,
        );
        result.failed.push({ entity, message: outcome.message });
      }
    }
    return result;
  }

  private async entitiesWithDocs(): Promise<DocsEntityName[]> {
    const baseUrl = await this.discovery.getBaseUrl('catalog');
    const entities: DocsEntityName[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({
        ...(cursor
          ? { cursor }
          : { filter: 'metadata.annotations.backstage.io/techdocs-ref' }),
        fields: 'kind,metadata.namespace,metadata.name',
        limit: '100',
      });
      const response = await fetch(`${baseUrl}/entities/by-query?${query}`, {
        headers: await this.authorization('catalog'),
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const page = (await response.json()) as {
        items: Array<{
          kind: string;
          metadata: { namespace?: string; name: string };
        }>;
        pageInfo: { nextCursor?: string };
      };
      for (const item of page.items) {
        entities.push({
          kind: item.kind,
          namespace: item.metadata.namespace ?? 'default',
          name: item.metadata.name,
        });
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return entities;
  }

  private async hasPublishedDocs(entity: DocsEntityName): Promise<boolean> {
    const baseUrl = await this.discovery.getBaseUrl('techdocs');
    const response = await fetch(
      `${baseUrl}/metadata/techdocs/${entityPath(entity)}`,
      { headers: await this.authorization('techdocs') },
    );
    if (response.status === 404) {
      return false;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return true;
  }

  private async sync(entity: DocsEntityName): Promise<SyncOutcome> {
    const baseUrl = await this.discovery.getBaseUrl('techdocs');
    const response = await fetch(`${baseUrl}/sync/${entityPath(entity)}`, {
      headers: {
        ...(await this.authorization('techdocs')),
        Accept: 'text/event-stream',
      },
    });
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      return { kind: 'failed', message: error.message };
    }
    return readSyncOutcome(await response.text());
  }

  private async authorization(targetPluginId: string) {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId,
    });
    return { Authorization: `Bearer ${token}` };
  }
}
