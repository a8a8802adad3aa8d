import { useApi } from '@backstage/frontend-plugin-api';
import {
  DashboardWindowDays,
  DEFAULT_DASHBOARD_WINDOW_DAYS,
} from '@internal/plugin-leadership-common';
import useAsync from 'react-use/esm/useAsync';
import { adoptionApiRef } from '../api/AdoptionApi';
import { adoptionScorecard } from './scorecard';

/**
 * The adoption headline figures for a leader's Home: the summaries of the last `days` and of twice
 * as long (for the previous period), turned into figures and what needs attention. Resolves to
 * undefined for those the dashboards are not for.
 *
 * @public
 */
export function useAdoptionScorecard(options: {
  adoptionPath: string;
  days?: DashboardWindowDays;
}) {
  const { adoptionPath, days = DEFAULT_DASHBOARD_WINDOW_DAYS } = options;
  const api = useApi(adoptionApiRef);
  return useAsync(async () => {
    const access = await api.getAccess();
    if (!access.dashboards) return undefined;
    const [current, doubled] = await Promise.all([
      api.getSummary(days),
      api.getSummary(days * 2),
    ]);
    return adoptionScorecard(current, doubled, { adoptionPath });
  }, [api, adoptionPath, days]);
}
