import { TicketRecord, Window } from '../domain';

/** Tickets imported from the ticketing system (`adoption_tickets`), by external id. */
export interface TicketsStore {
  /** Upserts tickets (external ids unique); returns how many were already stored. */
  upsert(tickets: TicketRecord[], importedAt: number): Promise<number>;

  /** Tickets opened in the window. */
  listTickets(window: Window): Promise<TicketRecord[]>;

  count(): Promise<number>;
}
