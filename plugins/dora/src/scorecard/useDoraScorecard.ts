import { useApi } from '@backstage/frontend-plugin-api';
import {
  DORA_METRIC_IDS,
  DoraMetricId,
  DoraMetricsResponse,
} from '@internal/plugin-dora-common';
import {
  AttentionItem,
  DashboardWindowDays,
  DEFAULT_DASHBOARD_WINDOW_DAYS,
  ScorecardFigure,
} from '@internal/plugin-leadership-common';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../api/DoraApi';
import { doraPageQuery } from '../pageQuery';
import { lastDaysQuery } from '../window';
import {
  doraAttention,
  doraScorecardFigures,
  metricChange,
  MetricChange,
} from './scorecard';

/**
 * A scope's DORA figures for Home, with their change and what needs attention.
 *
 * @public
 */
export interface DoraScorecard {
  current: DoraMetricsResponse;
  figures: ScorecardFigure[];
  attention: AttentionItem[];
}

/**
 * Loads the organisation's (or a team's) figures of the last `days` and of the same-length period
 * before, two requests of the unchanged metrics API, for Home. `doraPath` is the DORA page's
 * address, which the attention items link to.
 *
 * @public
 */
export function useDoraScorecard(options: {
  doraPath: string;
  /** A team's group ref; the organisation when absent. */
  team?: string;
  days?: DashboardWindowDays;
}) {
  const { doraPath, team, days = DEFAULT_DASHBOARD_WINDOW_DAYS } = options;
  const doraApi = useApi(doraApiRef);
  return useAsync(async (): Promise<DoraScorecard> => {
    const now = Date.now();
    const scope = team
      ? ({ scope: 'team', ref: team } as const)
      : ({ scope: 'organisation' } as const);
    const [current, previous] = await Promise.all([
      doraApi.getMetrics({ ...scope, ...lastDaysQuery(days, now) }),
      doraApi.getMetrics({ ...scope, ...lastDaysQuery(days, now, 1) }),
    ]);
    const periodLabel = `previous ${days} days`;
    const changes = Object.fromEntries(
      DORA_METRIC_IDS.map(id => [
        id,
        metricChange(
          id,
          current.metrics[id],
          previous.metrics[id],
          periodLabel,
        ),
      ]),
    ) as Record<DoraMetricId, MetricChange>;
    return {
      current,
      figures: doraScorecardFigures(current.metrics, changes),
      attention: doraAttention({
        current: current.metrics,
        changes,
        teams: current.breakdown,
        teamHref: ref =>
          `${doraPath}${doraPageQuery(
            team ? { team, service: ref } : { team: ref },
          )}`,
        organisationHref: `${doraPath}${doraPageQuery({ team })}`,
      }),
    };
  }, [doraApi, doraPath, team, days]);
}
