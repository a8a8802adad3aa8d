import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  AdoptionAnalyticsEvent,
  AdoptionImportReport,
  AdoptionNpsStatus,
  AdoptionSummary,
  ServicesBehindLatestResponse,
} from '@internal/plugin-adoption-common';

/**
 * What the signed-in user may do on the Adoption page.
 *
 * @public
 */
export interface AdoptionAccess {
  dashboards: boolean;
  ticketsImport: boolean;
}

/**
 * The `adoption` backend plugin, as the page, the survey and the analytics use it.
 *
 * @public
 */
export interface AdoptionApi {
  getAccess(): Promise<AdoptionAccess>;
  getSummary(windowDays: number): Promise<AdoptionSummary>;
  importTicketsCsv(csv: string): Promise<AdoptionImportReport>;
  getNpsStatus(): Promise<AdoptionNpsStatus>;
  answerNps(answer: { score: number; comment?: string }): Promise<void>;
  dismissNps(): Promise<void>;
  sendAnalytics(events: AdoptionAnalyticsEvent[]): Promise<void>;
  getServicesBehindLatest(): Promise<ServicesBehindLatestResponse>;
}

/** @public */
export const adoptionApiRef = createApiRef<AdoptionApi>({
  id: 'plugin.adoption.api',
});
