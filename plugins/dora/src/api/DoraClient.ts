import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DoraMetricsResponse,
  DoraUnmappedService,
} from '@internal/plugin-dora-common';
import { DoraApi, DoraMetricsRequest } from './DoraApi';

/** HTTP client of the DORA backend; errors carry the backend's message (ResponseError). */
export class DoraClient implements DoraApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getMetrics(request: DoraMetricsRequest): Promise<DoraMetricsResponse> {
    const query = new URLSearchParams({ scope: request.scope });
    if (request.from && request.to) {
      query.set('from', request.from);
      query.set('to', request.to);
    } else {
      query.set('window', String(request.windowDays ?? 30));
    }
    if (request.ref) query.set('ref', request.ref);
    if (request.bandYear) query.set('bandYear', request.bandYear);
    const baseUrl = await this.options.discoveryApi.getBaseUrl('dora');
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}/metrics?${query}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async listUnmapped(): Promise<DoraUnmappedService[]> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('dora');
    const response = await this.options.fetchApi.fetch(`${baseUrl}/unmapped`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()).items;
  }
}
