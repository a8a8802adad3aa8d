import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  normalizeEntityRef,
  normalizedEntityRefOf,
} from '@internal/plugin-portal-node';
import { DoraServiceKeyType } from '@internal/plugin-dora-common';

/** The annotations through which a component claims events. */
export const SERVICE_ANNOTATIONS: Record<
  Exclude<DoraServiceKeyType, 'entity'>,
  string
> = {
  github: 'github.com/project-slug',
  gitlab: 'gitlab.com/project-slug',
  argocd: 'argocd/app-name',
  pagerduty: 'pagerduty.com/service-id',
};

/** How long a catalog snapshot is used before it is fetched again. */
const TTL_MS = 60_000;
const EMPTY_TTL_MS = 5_000;
/** At most this often, a key nobody claims is looked up in the catalog before it is stored unmapped. */
const MISS_REFRESH_MS = 10_000;
/** Keys looked up per ingest at most (a batch naming many unclaimed keys waits for the remap). */
const MAX_LOOKUPS_PER_INGEST = 20;
/** Misses remembered for that throttle before the memory is cleared. */
const MAX_REMEMBERED_MISSES = 10_000;
const COMPONENT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
];

interface Snapshot {
  fetchedAt: number;
  components: Map<string, { owner: string | null; hasIncidentSource: boolean }>;
  byKey: Map<string, string>;
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');
const keyOf = (type: DoraServiceKeyType, key: string) =>
  `${type}\u0000${lower(key.trim())}`;

/**
 * Maps service keys (GitHub or GitLab repository slug, Argo CD app, PagerDuty service, entity ref) to catalog
 * components, and components to their owning teams, from a periodically refreshed snapshot.
 */
export class CatalogServiceMap {
  private snapshot: Snapshot = {
    fetchedAt: 0,
    components: new Map(),
    byKey: new Map(),
  };
  private refreshing?: Promise<void>;
  /** When each key no component claimed was last looked up. */
  private readonly lastLookup = new Map<string, number>();

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
  }) {
    return new CatalogServiceMap(options.catalog, options.auth, options.logger);
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
  ) {}

  /** Fetches the catalog if the snapshot is older than the TTL (or `force`). */
  async refresh(force = false): Promise<void> {
    // An empty catalog is usually one still processing its locations after start: ask again soon.
    const ttl = this.snapshot.components.size > 0 ? TTL_MS : EMPTY_TTL_MS;
    if (!force && Date.now() - this.snapshot.fetchedAt < ttl) {
      return;
    }
    this.refreshing ??= this.fetch().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  /**
   * Looks up in the catalog the keys that resolve to no component: a component created since the
   * snapshot (a golden path's first deployment) is then mapped at once instead of waiting for the
   * next snapshot or the periodic remap. One query per key, and at most once every ten seconds
   * per key, so keys nobody claims neither make every ingest read the catalog nor keep a new
   * component's key from being looked up.
   */
  async refreshForKeys(
    keys: Array<{ type: DoraServiceKeyType; key: string }>,
  ): Promise<void> {
    const now = Date.now();
    const missing = new Map<
      string,
      { type: DoraServiceKeyType; key: string }
    >();
    for (const k of keys) {
      const id = keyOf(k.type, k.key);
      if (
        missing.size < MAX_LOOKUPS_PER_INGEST &&
        this.resolve(k.type, k.key) === null &&
        now - (this.lastLookup.get(id) ?? 0) >= MISS_REFRESH_MS
      ) {
        missing.set(id, k);
      }
    }
    if (missing.size === 0) {
      return;
    }
    if (this.lastLookup.size + missing.size > MAX_REMEMBERED_MISSES) {
      this.lastLookup.clear();
    }
    const credentials = await this.auth.getOwnServiceCredentials();
    for (const [id, { type, key }] of missing) {
      this.lastLookup.set(id, now);
      const filter = claimFilter(type, key);
      if (!filter) {
        continue;
      }
      const { items } = await this.catalog.getEntities(
        { filter, fields: COMPONENT_FIELDS },
        { credentials },
      );
      items.forEach(entity => addComponent(this.snapshot, entity));
    }
  }

  private async fetch() {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'Component' }, fields: COMPONENT_FIELDS },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const snapshot: Snapshot = {
      fetchedAt: Date.now(),
      components: new Map(),
      byKey: new Map(),
    };
    items.forEach(entity => addComponent(snapshot, entity));
    this.snapshot = snapshot;
    this.logger.debug(
      `DORA: mapped ${snapshot.components.size} catalog components`,
    );
  }

  /** The component claiming a service key, or null. */
  resolve = (type: DoraServiceKeyType, key: string): string | null => {
    if (type === 'entity') {
      const ref = normalizeEntityRef(key.trim(), { defaultKind: 'component' });
      return ref && this.snapshot.components.has(ref) ? ref : null;
    }
    return this.snapshot.byKey.get(keyOf(type, key)) ?? null;
  };

  /** All known components with their owners. */
  components(): Array<{ ref: string; owner: string | null }> {
    return [...this.snapshot.components].map(([ref, c]) => ({
      ref,
      owner: c.owner,
    }));
  }

  /** Components that name a PagerDuty service, i.e. have an incident source. */
  componentsWithIncidentSource(): Set<string> {
    return new Set(
      [...this.snapshot.components]
        .filter(([, c]) => c.hasIncidentSource)
        .map(([ref]) => ref),
    );
  }

  /** Components owned by a team (group ref or bare group name). */
  componentsOwnedBy(team: string): string[] {
    const ref = normalizeEntityRef(team.trim(), { defaultKind: 'group' });
    return this.components()
      .filter(c => c.owner === ref)
      .map(c => c.ref);
  }
}

/** Adds a component and the keys its annotations claim to a snapshot. */
function addComponent(snapshot: Snapshot, entity: Entity) {
  const ref = normalizedEntityRefOf(entity);
  const annotations = entity.metadata.annotations ?? {};
  snapshot.components.set(ref, {
    owner: ownerOf(entity),
    hasIncidentSource: isIncidentSource(
      annotations[SERVICE_ANNOTATIONS.pagerduty],
      entity.metadata.name,
    ),
  });
  snapshot.byKey.set(keyOf('entity', ref), ref);
  for (const [type, annotation] of Object.entries(SERVICE_ANNOTATIONS)) {
    const value = annotations[annotation];
    if (value) {
      snapshot.byKey.set(keyOf(type as DoraServiceKeyType, value), ref);
    }
  }
}

/** The catalog filter for the component that would claim a key (the catalog ignores case). */
function claimFilter(
  type: DoraServiceKeyType,
  key: string,
): Record<string, string> | undefined {
  if (type !== 'entity') {
    return {
      kind: 'Component',
      [`metadata.annotations.${SERVICE_ANNOTATIONS[type]}`]: key.trim(),
    };
  }
  const ref = normalizeEntityRef(key.trim(), { defaultKind: 'component' });
  if (!ref) {
    return undefined;
  }
  const { kind, namespace, name } = parseEntityRef(ref);
  return { kind, 'metadata.namespace': namespace, 'metadata.name': name };
}

function ownerOf(entity: Entity): string | null {
  const owner = entity.spec?.owner;
  return typeof owner === 'string'
    ? normalizeEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace,
      })
    : null;
}

/**
 * Whether a `pagerduty.com/service-id` annotation names a real PagerDuty service. A value equal to
 * the component's own name is a placeholder (golden-path skeletons once wrote one): counting it
 * would hide the "no incident source" warning from a service that has none.
 */
export function isIncidentSource(
  serviceId: string | undefined,
  componentName: string,
): boolean {
  const id = serviceId?.trim();
  return Boolean(id) && id!.toLowerCase() !== componentName.toLowerCase();
}
