import { Knex } from 'knex';
import { dbNumber } from '@internal/plugin-portal-node';
import { isPostgres, StateRow } from './rows';
import { SnapshotName, StateStore } from './StateStore';

const TABLE = 'adoption_state';

export class DatabaseStateStore implements StateStore {
  constructor(private readonly db: Knex) {}

  async versions(): Promise<{ dataVersion: number; catalogVersion: number }> {
    const rows: Array<Pick<StateRow, 'name' | 'value'>> = await this.db(TABLE)
      .select('name', 'value')
      .whereIn('name', ['data_version', 'catalog_version']);
    const value = (name: string) => {
      const row = rows.find(r => r.name === name);
      return row ? dbNumber(row.value) : 0;
    };
    return {
      dataVersion: value('data_version'),
      catalogVersion: value('catalog_version'),
    };
  }

  async bumpDataVersion(): Promise<void> {
    await this.db(TABLE).where({ name: 'data_version' }).increment('value', 1);
  }

  async bumpCatalogVersion(): Promise<void> {
    await this.db(TABLE)
      .where({ name: 'catalog_version' })
      .increment('value', 1);
  }

  async lockSnapshotFingerprint(
    name: SnapshotName,
  ): Promise<string | undefined> {
    const query = this.db(TABLE).where({ name });
    const row: StateRow | undefined = await (isPostgres(this.db)
      ? query.forUpdate()
      : query
    ).first();
    return row?.fingerprint ?? undefined;
  }

  async recordSnapshotFingerprint(
    name: SnapshotName,
    fingerprint: string,
  ): Promise<void> {
    await this.db(TABLE)
      .insert({ name, value: 1, fingerprint })
      .onConflict('name')
      .merge({ fingerprint, value: this.db.raw(`${TABLE}.value + 1`) });
  }
}
