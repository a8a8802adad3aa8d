import { Knex } from 'knex';
import { chunks, dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { TicketRecord, Window } from '../domain';
import { CHUNK, CountRow, roundOrNull, TicketRow } from './rows';
import { TicketsStore } from './TicketsStore';

const TABLE = 'adoption_tickets';

export class DatabaseTicketsStore implements TicketsStore {
  constructor(private readonly db: Knex) {}

  async upsert(tickets: TicketRecord[], importedAt: number): Promise<number> {
    let updated = 0;
    for (const rows of chunks(tickets, CHUNK)) {
      const existing: Array<Pick<TicketRow, 'external_id'>> = await this.db(
        TABLE,
      )
        .select('external_id')
        .whereIn(
          'external_id',
          rows.map(r => r.externalId),
        );
      updated += existing.length;
      await this.db(TABLE)
        .insert(
          rows.map(
            (t): TicketRow => ({
              external_id: t.externalId,
              category: t.category,
              team: t.team,
              opened_at: Math.round(t.openedAt),
              resolved_at: roundOrNull(t.resolvedAt),
              imported_at: Math.round(importedAt),
            }),
          ),
        )
        .onConflict('external_id')
        .merge();
    }
    return updated;
  }

  async listTickets(window: Window): Promise<TicketRecord[]> {
    const rows: TicketRow[] = await this.db(TABLE)
      .select('*')
      .where('opened_at', '>=', window.from)
      .where('opened_at', '<', window.to);
    return rows.map(r => ({
      externalId: r.external_id,
      category: r.category,
      team: r.team,
      openedAt: dbNumber(r.opened_at),
      resolvedAt: dbNumberOrNull(r.resolved_at),
    }));
  }

  async count(): Promise<number> {
    const [{ count }]: CountRow[] = await this.db(TABLE).count({ count: '*' });
    return dbNumber(count);
  }
}
