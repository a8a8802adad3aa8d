import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { AdoptionData } from './AdoptionData';

/**
 * Reads each component's first successful production deployment from the DORA backend's read
 * API (`GET /api/dora/first-deployments`, service-to-service) into the store.
 */
export class DoraFirstDeploys {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      store: AdoptionData;
      logger: LoggerService;
      fetch?: typeof fetch;
    },
  ) {}

  async refresh(): Promise<number | undefined> {
    const { discovery, auth, store, logger } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    const baseUrl = await discovery.getBaseUrl('dora');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'dora',
    });
    const response = await doFetch(`${baseUrl}/first-deployments`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status === 404) {
      logger.warn(
        'Adoption: the DORA backend has no first-deployments API; time to first deploy is unavailable',
      );
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as {
      items?: Array<{ entityRef?: unknown; firstProductionDeployAt?: unknown }>;
    };
    const firstDeploys = new Map<string, number>();
    for (const item of body.items ?? []) {
      const at =
        typeof item.firstProductionDeployAt === 'string'
          ? Date.parse(item.firstProductionDeployAt)
          : NaN;
      if (typeof item.entityRef === 'string' && Number.isFinite(at)) {
        firstDeploys.set(item.entityRef.toLocaleLowerCase('en-US'), at);
      }
    }
    await store.replaceFirstDeploys(firstDeploys);
    return firstDeploys.size;
  }

  /** The first deployments as last stored. */
  async stored() {
    return this.options.store.catalog.firstDeploys();
  }
}
