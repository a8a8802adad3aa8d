import { dbNumber } from '@internal/plugin-portal-node';
import { Knex } from 'knex';
import { DailyRollup, DeploymentFact } from '../domain';
import { factFromRow, rollupFromRow } from './factRows';
import { FactsStore } from './FactsStore';
import { DbNumber, FactRow, RollupRow } from './rows';
import { FACT_TABLES, MARKERS } from './tables';

/** {@link FactsStore} on the plugin's database. */
export class DatabaseFactsStore implements FactsStore {
  constructor(private readonly db: Knex) {}

  async loadRollups(query: {
    services?: string[];
    stream?: string;
    fromDay: number;
    toDay: number;
    weekly?: boolean;
  }): Promise<DailyRollup[]> {
    if (query.toDay <= query.fromDay) {
      return [];
    }
    const rows: RollupRow[] = await this.db(
      query.weekly ? FACT_TABLES.weekly : FACT_TABLES.rollups,
    )
      .select('*')
      .where('day', '>=', query.fromDay)
      .where('day', '<', query.toDay)
      .modify(q => scopeDerived(q, query.services, query.stream));
    return rows.map(rollupFromRow);
  }

  async loadFacts(query: {
    services?: string[];
    stream?: string;
    from: number;
    to: number;
  }): Promise<DeploymentFact[]> {
    if (query.to <= query.from) {
      return [];
    }
    const rows: FactRow[] = await this.db(FACT_TABLES.facts)
      .select('*')
      .where('finished_at', '>=', query.from)
      .where('finished_at', '<', query.to)
      .modify(q => scopeDerived(q, query.services, query.stream));
    return rows.map(factFromRow);
  }

  async unlinkedIncidentCounts(query: {
    services?: string[];
    from: number;
    to: number;
  }): Promise<Map<string, number>> {
    const rows: Array<{ service: string; count: DbNumber }> = await this.db(
      FACT_TABLES.unlinked,
    )
      .select('service')
      .count({ count: '*' })
      .where('opened_at', '>=', query.from)
      .where('opened_at', '<', query.to)
      .modify(q => scopeDerived(q, query.services))
      .groupBy('service');
    return new Map(rows.map(r => [r.service, dbNumber(r.count)]));
  }

  async hasFacts(service: string): Promise<boolean> {
    const row = await this.db(FACT_TABLES.facts)
      .select('service')
      .where('service', service)
      .first();
    return Boolean(row);
  }

  async firstDeployments(): Promise<Array<{ entityRef: string; at: number }>> {
    const rows = (await this.db(FACT_TABLES.facts)
      .select('service')
      .min({ at: 'finished_at' })
      .whereNot('service', 'like', 'unmapped:%')
      .groupBy('service')
      .orderBy('service')) as Array<{ service: string; at: DbNumber }>;
    return rows.map(r => ({ entityRef: r.service, at: dbNumber(r.at) }));
  }

  async derivedServices(): Promise<string[]> {
    const services = new Set<string>();
    for (const table of [FACT_TABLES.facts, FACT_TABLES.unlinked]) {
      const rows: Array<{ service: string }> = await this.db(table).distinct(
        'service',
      );
      rows.forEach(r => services.add(r.service));
    }
    return [...services].sort();
  }

  async clearDerived(): Promise<void> {
    await this.db(FACT_TABLES.facts).delete();
    await this.db(FACT_TABLES.rollups).delete();
    await this.db(FACT_TABLES.weekly).delete();
    await this.db(FACT_TABLES.unlinked).delete();
  }

  async hasMarker(name: string): Promise<boolean> {
    const existing = await this.db(MARKERS).where('name', name).first();
    return Boolean(existing);
  }

  async dropOtherFactMarkers(current: string): Promise<void> {
    await this.db(MARKERS)
      .where('name', 'like', 'facts-v%')
      .whereNot('name', current)
      .delete();
  }
}

/** Limits a derived-table query to services and a stream. */
function scopeDerived(
  q: Knex.QueryBuilder,
  services: string[] | undefined,
  stream?: string,
) {
  if (services) {
    q.whereIn('service', services.length ? services : ['']);
  }
  if (stream !== undefined) {
    q.where('stream', stream);
  }
}
