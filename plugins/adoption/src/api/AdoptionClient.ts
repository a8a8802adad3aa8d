import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AdoptionAnalyticsEvent,
  AdoptionImportReport,
  AdoptionNpsStatus,
  AdoptionSummary,
  ServicesBehindLatestResponse,
} from '@internal/plugin-adoption-common';
import { AdoptionAccess, AdoptionApi } from './AdoptionApi';

/** HTTP client of the adoption backend; errors carry the backend's message (ResponseError). */
export class AdoptionClient implements AdoptionApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  private async call(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('adoption');
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}${path}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  private json(body: unknown): RequestInit {
    return {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    };
  }

  async getAccess(): Promise<AdoptionAccess> {
    return (await this.call('/access')).json();
  }

  async getServicesBehindLatest(): Promise<ServicesBehindLatestResponse> {
    return (await this.call('/behind-latest')).json();
  }

  async getSummary(windowDays: number): Promise<AdoptionSummary> {
    return (await this.call(`/summary?window=${windowDays}`)).json();
  }

  async importTicketsCsv(csv: string): Promise<AdoptionImportReport> {
    return (
      await this.call('/tickets/import', {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv' },
        body: csv,
      })
    ).json();
  }

  async getNpsStatus(): Promise<AdoptionNpsStatus> {
    return (await this.call('/nps/status')).json();
  }

  async answerNps(answer: { score: number; comment?: string }): Promise<void> {
    await this.call('/nps', this.json(answer));
  }

  async dismissNps(): Promise<void> {
    await this.call('/nps/dismiss', { method: 'POST' });
  }

  async sendAnalytics(events: AdoptionAnalyticsEvent[]): Promise<void> {
    await this.call('/analytics', {
      ...this.json({ events }),
      keepalive: true,
    });
  }
}
