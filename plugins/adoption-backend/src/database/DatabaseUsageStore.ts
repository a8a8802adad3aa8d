import { Knex } from 'knex';
import { chunks, dbNumber } from '@internal/plugin-portal-node';
import {
  compareStrings,
  UsageBatch,
  UsageRollups,
  Window,
  weekStart,
} from '../domain';
import { aggregateRows, CHUNK, CountRow, DbInt } from './rows';
import { UsageStore } from './UsageStore';

export class DatabaseUsageStore implements UsageStore {
  constructor(private readonly db: Knex) {}

  async record(batch: UsageBatch): Promise<void> {
    const views = [...batch.views].sort(
      (a, b) => a.day - b.day || compareStrings(a.pluginId, b.pluginId),
    );
    const users = [...batch.users].sort(
      (a, b) => a.week - b.week || compareStrings(a.userKey, b.userKey),
    );
    for (const rows of chunks(views, CHUNK)) {
      await this.db('adoption_usage_views')
        .insert(
          rows.map(v => ({
            day: v.day,
            week: weekStart(v.day),
            plugin_id: v.pluginId,
            views: v.views,
          })),
        )
        .onConflict(['day', 'plugin_id'])
        .merge({
          views: this.db.raw('adoption_usage_views.views + excluded.views'),
        });
    }
    for (const rows of chunks(users, CHUNK)) {
      await this.db('adoption_usage_users')
        .insert(rows.map(u => ({ week: u.week, user_key: u.userKey })))
        .onConflict(['week', 'user_key'])
        .ignore();
    }
  }

  async usageRollups(window: Window): Promise<UsageRollups> {
    const firstWeek = weekStart(window.from);
    const [users, weeks, plugins] = await Promise.all([
      aggregateRows<CountRow & { week: DbInt }>(
        this.db('adoption_usage_users')
          .select('week')
          .count({ count: '*' })
          .where('week', '>=', firstWeek)
          .where('week', '<', window.to)
          .groupBy('week'),
      ),
      aggregateRows<{ week: DbInt; views: DbInt }>(
        this.db('adoption_usage_views')
          .select('week')
          .sum({ views: 'views' })
          .where('week', '>=', firstWeek)
          .where('week', '<', window.to)
          .groupBy('week'),
      ),
      aggregateRows<{ plugin_id: string; views: DbInt }>(
        this.db('adoption_usage_views')
          .select('plugin_id')
          .sum({ views: 'views' })
          .where('day', '>=', window.from)
          .where('day', '<', window.to)
          .groupBy('plugin_id'),
      ),
    ]);
    return {
      activeUsersByWeek: new Map(
        users.map(r => [dbNumber(r.week), dbNumber(r.count)]),
      ),
      pageViewsByWeek: new Map(
        weeks.map(r => [dbNumber(r.week), dbNumber(r.views)]),
      ),
      pageViewsByPlugin: new Map(
        plugins.map(r => [r.plugin_id, dbNumber(r.views)]),
      ),
    };
  }

  async count(): Promise<number> {
    const [{ count }]: CountRow[] = await this.db('adoption_usage_views').count(
      { count: '*' },
    );
    return dbNumber(count);
  }
}
