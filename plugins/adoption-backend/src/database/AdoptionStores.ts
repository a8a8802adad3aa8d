import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { CatalogInputsStore } from './CatalogInputsStore';
import { DatabaseCatalogInputsStore } from './DatabaseCatalogInputsStore';
import { DatabaseEventsStore } from './DatabaseEventsStore';
import { DatabaseNpsStore } from './DatabaseNpsStore';
import { DatabaseRollupsStore } from './DatabaseRollupsStore';
import { DatabaseStateStore } from './DatabaseStateStore';
import { DatabaseSummariesStore } from './DatabaseSummariesStore';
import { DatabaseTemplateRunsStore } from './DatabaseTemplateRunsStore';
import { DatabaseTicketsStore } from './DatabaseTicketsStore';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { EventsStore } from './EventsStore';
import { NpsStore } from './NpsStore';
import { RollupsStore } from './RollupsStore';
import { StateStore } from './StateStore';
import { SummariesStore } from './SummariesStore';
import { TemplateRunsStore } from './TemplateRunsStore';
import { TicketsStore } from './TicketsStore';
import { UsageStore } from './UsageStore';

/** One store per aggregate of the adoption tables, all on the same connection or transaction. */
export interface AdoptionStores {
  events: EventsStore;
  runs: TemplateRunsStore;
  rollups: RollupsStore;
  catalog: CatalogInputsStore;
  tickets: TicketsStore;
  usage: UsageStore;
  nps: NpsStore;
  summaries: SummariesStore;
  state: StateStore;
}

/** The stores on `db`: the plugin's connection, or a transaction the caller owns. */
export function databaseStoresOn(db: Knex): AdoptionStores {
  return {
    events: new DatabaseEventsStore(db),
    runs: new DatabaseTemplateRunsStore(db),
    rollups: new DatabaseRollupsStore(db),
    catalog: new DatabaseCatalogInputsStore(db),
    tickets: new DatabaseTicketsStore(db),
    usage: new DatabaseUsageStore(db),
    nps: new DatabaseNpsStore(db),
    summaries: new DatabaseSummariesStore(db),
    state: new DatabaseStateStore(db),
  };
}

/** Brings the adoption tables to the latest migration. */
export async function migrateAdoptionDatabase(db: Knex): Promise<void> {
  await db.migrate.latest({
    directory: resolvePackagePath(
      '@internal/plugin-adoption-backend',
      'migrations',
    ),
  });
}
