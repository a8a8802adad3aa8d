import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  DoraBandYear,
  DoraMetricsResponse,
  DoraScope,
  DoraUnmappedService,
} from '@internal/plugin-dora-common';

/**
 * What the dashboards ask the DORA backend for.
 *
 * @public
 */
export interface DoraMetricsRequest {
  scope: DoraScope;
  ref?: string;
  /** The backend's windows: the last 7, 30 or 90 days; or give `from` and `to` instead. */
  windowDays?: 7 | 30 | 90;
  /** A custom range, ISO timestamps (the backend checks order, future and span). */
  from?: string;
  to?: string;
  bandYear?: DoraBandYear;
}

/**
 * Reads DORA metrics from the `dora` backend plugin.
 *
 * @public
 */
export interface DoraApi {
  getMetrics(request: DoraMetricsRequest): Promise<DoraMetricsResponse>;
  /** `GET /unmapped`: delivery sources no component claims (needs `dora.unmapped.read`). */
  listUnmapped(): Promise<DoraUnmappedService[]>;
}

/** @public */
export const doraApiRef = createApiRef<DoraApi>({ id: 'plugin.dora.api' });
