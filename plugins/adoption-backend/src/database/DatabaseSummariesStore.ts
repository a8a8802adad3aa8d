import { Knex } from 'knex';
import { dbNumber } from '@internal/plugin-portal-node';
import { SummaryRow } from './rows';
import { StoredSummary, SummariesStore } from './SummariesStore';

export class DatabaseSummariesStore implements SummariesStore {
  constructor(private readonly db: Knex) {}

  async storedSummary(windowDays: number): Promise<StoredSummary | undefined> {
    const row: SummaryRow | undefined = await this.db('adoption_summaries')
      .where({ window_days: windowDays })
      .first();
    return row
      ? {
          windowDays,
          computedAt: dbNumber(row.computed_at),
          dataVersion: dbNumber(row.data_version),
          catalogVersion: dbNumber(row.catalog_version),
          body: row.body,
        }
      : undefined;
  }

  async storeSummary(summary: StoredSummary): Promise<void> {
    const row: SummaryRow = {
      window_days: summary.windowDays,
      computed_at: summary.computedAt,
      data_version: summary.dataVersion,
      catalog_version: summary.catalogVersion,
      body: summary.body,
    };
    await this.db('adoption_summaries')
      .insert(row)
      .onConflict('window_days')
      .merge();
  }
}
