import { AdoptionUsageMeasure } from '@internal/plugin-adoption-common';
import { compareStrings, weeksOf, WEEK_MS, Window } from './statistics';

/** Weekly rollups of analytics events, as the store keeps them. */
export interface UsageRollups {
  /** Distinct users per week start (hashed identities). */
  activeUsersByWeek: Map<number, number>;
  /** Page views per week start. */
  pageViewsByWeek: Map<number, number>;
  /** Page views per plugin over the window. */
  pageViewsByPlugin: Map<string, number>;
}

/**
 * Portal usage: weekly active users (of the last complete week in the window) and page views per
 * plugin. With identities dropped there are no user counts, only views.
 */
export function computeUsage(options: {
  rollups: UsageRollups;
  window: Window;
  identity: 'hash' | 'drop';
}): AdoptionUsageMeasure {
  const { rollups, window, identity } = options;
  const weeks = weeksOf(window);
  const users = (w: number) =>
    identity === 'drop' ? null : rollups.activeUsersByWeek.get(w) ?? 0;
  const complete = weeks.filter(w => w + WEEK_MS <= window.to);
  const lastComplete = complete[complete.length - 1];
  const plugins = [...rollups.pageViewsByPlugin.entries()]
    .map(([pluginId, pageViews]) => ({ pluginId, pageViews }))
    .sort(
      (a, b) =>
        b.pageViews - a.pageViews || compareStrings(a.pluginId, b.pluginId),
    );
  return {
    identity,
    weeklyActiveUsers: lastComplete === undefined ? null : users(lastComplete),
    pageViews: plugins.reduce((sum, p) => sum + p.pageViews, 0),
    plugins,
    trend: weeks.map(w => ({
      weekStart: new Date(w).toISOString(),
      activeUsers: users(w),
      pageViews: rollups.pageViewsByWeek.get(w) ?? 0,
    })),
  };
}

/** One rolled-up analytics batch: page views per day and plugin, users per week. */
export interface UsageBatch {
  views: Array<{ day: number; pluginId: string; views: number }>;
  users: Array<{ week: number; userKey: string }>;
}
