import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  COMPONENT_REF_ANNOTATION,
  KubernetesClusterClient,
  POSTGRES_INSTANCE_API_VERSION,
  POSTGRES_INSTANCE_KIND,
  PostgresInstanceObject,
} from '@internal/plugin-crossplane-node';
import { normalizeEntityRef } from '@internal/plugin-portal-node';
import { databaseResourceEntity } from './databaseResourceEntity';

/** Options of {@link CrossplaneDatabaseEntityProvider.create}. @public */
export interface CrossplaneDatabaseEntityProviderOptions {
  client: KubernetesClusterClient;
  clusterUrl: string;
  /** Team name to namespace (`crossplane.teamNamespaces`); every namespace is read. */
  teamNamespaces: Record<string, string>;
  /** Looks up the requesting components' systems. */
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Runs {@link CrossplaneDatabaseEntityProvider.refresh} on a schedule (cluster-wide lock). */
  taskRunner?: SchedulerServiceTaskRunner;
}

/**
 * Emits one Resource entity of type database per PostgreSQLInstance XR in the configured team
 * namespaces, as a full mutation (databases deleted in the cluster leave the catalog). Runs on the
 * scheduler and whenever the portal announces a new or Ready database.
 *
 * @public
 */
export class CrossplaneDatabaseEntityProvider implements EntityProvider {
  readonly #options: CrossplaneDatabaseEntityProviderOptions;
  #connection?: EntityProviderConnection;
  /** One refresh at a time per process; a request during one runs once more afterwards. */
  #running?: Promise<void>;
  #again = false;

  static create(options: CrossplaneDatabaseEntityProviderOptions) {
    return new CrossplaneDatabaseEntityProvider(options);
  }

  private constructor(options: CrossplaneDatabaseEntityProviderOptions) {
    this.#options = options;
  }

  getProviderName(): string {
    return 'crossplane-postgres';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#options.taskRunner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Reads every XR and replaces the provider's entities with them. */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#refreshOnce();
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #refreshOnce() {
    const connection = this.#connection;
    if (!connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    const xrs = await this.#listAll();
    const systems = await this.#systemsOf(xrs);
    const entities = xrs.flatMap(xr => {
      const entity = databaseResourceEntity(xr, {
        clusterUrl: this.#options.clusterUrl,
        systemOf: ref => systems.get(normalizeEntityRef(ref) ?? ''),
      });
      return entity ? [entity] : [];
    });
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: `${this.getProviderName()}:${
          entity.metadata.annotations!['fernhill.io/crossplane-xr']
        }`,
      })),
    });
    this.#options.logger.info(
      `Read ${entities.length} PostgreSQL databases from ${xrs.length} XRs into the catalog`,
    );
  }

  /**
   * Every XR of every team namespace. A namespace that does not exist has none; any other failure
   * aborts the refresh, so a flaky API server never removes databases from the catalog.
   */
  async #listAll(): Promise<PostgresInstanceObject[]> {
    const namespaces = [
      ...new Set(Object.values(this.#options.teamNamespaces)),
    ].sort();
    const lists = await Promise.all(
      namespaces.map(async namespace => {
        try {
          return await this.#options.client.list<PostgresInstanceObject>(
            POSTGRES_INSTANCE_API_VERSION,
            POSTGRES_INSTANCE_KIND,
            namespace,
          );
        } catch (error) {
          if (error instanceof NotFoundError) return [];
          throw error;
        }
      }),
    );
    return lists.flat();
  }

  /** The system of each requesting component the catalog knows, by lowercased entity ref. */
  async #systemsOf(xrs: PostgresInstanceObject[]) {
    const refs = new Set<string>();
    for (const xr of xrs) {
      const ref = xr.metadata?.annotations?.[COMPONENT_REF_ANNOTATION];
      // null for an XR annotated by hand with something that is no entity ref.
      const normalized = ref && normalizeEntityRef(ref);
      if (normalized) refs.add(normalized);
    }
    const systems = new Map<string, string>();
    if (refs.size === 0) return systems;
    const entityRefs = [...refs];
    const { items } = await this.#options.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.system'],
      },
      { credentials: await this.#options.auth.getOwnServiceCredentials() },
    );
    items.forEach((entity: Entity | undefined, i) => {
      const system = entity?.spec?.system;
      if (typeof system === 'string' && system) {
        systems.set(entityRefs[i], system);
      }
    });
    return systems;
  }
}
