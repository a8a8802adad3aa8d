import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { PostgresInstanceSummary } from '@internal/plugin-crossplane-common';
import { CrossplaneApi } from './CrossplaneApi';

/** HTTP client of the crossplane backend; errors carry the backend's message. */
export class CrossplaneClient implements CrossplaneApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async listDatabases(
    componentRef: string,
  ): Promise<PostgresInstanceSummary[]> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('crossplane');
    const query = new URLSearchParams({ component: componentRef });
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}/postgres?${query}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as {
      items: PostgresInstanceSummary[];
    };
    return body.items;
  }
}
