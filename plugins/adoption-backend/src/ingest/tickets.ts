import { InputError } from '@backstage/errors';
import {
  AdoptionImportReport,
  adoptionTicketInputSchema,
} from '@internal/plugin-adoption-common';
import { formatZodIssue } from '@internal/plugin-portal-node';
import { TicketRecord } from '../domain';
import { parseCsv } from './csv';

/** CSV header names accepted for each ticket field (case-insensitive). */
const COLUMNS: Record<string, string[]> = {
  externalId: ['external_id', 'externalid', 'id', 'ticket', 'key'],
  category: ['category', 'type'],
  openedAt: ['opened_at', 'openedat', 'opened', 'created'],
  resolvedAt: ['resolved_at', 'resolvedat', 'resolved'],
  team: ['team', 'owner'],
};

/** Largest number of ticket rows in one import. */
export const MAX_TICKET_ROWS = 10_000;

export interface ValidatedTickets {
  tickets: TicketRecord[];
  failed: AdoptionImportReport['failed'];
}

/**
 * Validates ticket rows one by one: good rows are returned, bad rows reported with their row
 * number (1-based, as the user counts them: the CSV header is row 1) and every problem.
 */
export function validateTickets(
  rows: unknown[],
  rowNumber: (index: number) => number = i => i + 1,
): ValidatedTickets {
  const tickets: TicketRecord[] = [];
  const failed: AdoptionImportReport['failed'] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, index) => {
    const result = adoptionTicketInputSchema.safeParse(raw);
    const claimedId =
      raw && typeof raw === 'object'
        ? (raw as { externalId?: unknown }).externalId
        : undefined;
    // Named in the report even when the row is invalid, so the importer can find it.
    const externalId =
      typeof claimedId === 'string' ? claimedId.slice(0, 256) : undefined;
    if (!result.success) {
      failed.push({
        row: rowNumber(index),
        ...(externalId ? { externalId } : {}),
        errors: result.error.issues.map(issue =>
          formatZodIssue(issue, '(row)'),
        ),
      });
      return;
    }
    const t = result.data;
    const earlier = seen.get(t.externalId);
    if (earlier !== undefined) {
      failed.push({
        row: rowNumber(index),
        externalId: t.externalId,
        errors: [`externalId: duplicates row ${earlier} of this import`],
      });
      return;
    }
    seen.set(t.externalId, rowNumber(index));
    tickets.push({
      externalId: t.externalId,
      category: t.category,
      team: t.team ?? null,
      openedAt: Date.parse(t.openedAt),
      resolvedAt: t.resolvedAt ? Date.parse(t.resolvedAt) : null,
    });
  });
  return { tickets, failed };
}

/**
 * Reads a ticket CSV: a header row naming the columns (external_id, category, opened_at,
 * resolved_at, team; aliases accepted), then one ticket per row. Empty cells are absent values.
 */
export function ticketsFromCsv(text: string): ValidatedTickets {
  const rows = parseCsv(text);
  if (rows.length === 0) {
    throw new InputError('CSV is empty: expected a header row and ticket rows');
  }
  const header = rows[0].map(h => h.trim().toLocaleLowerCase('en-US'));
  const index: Record<string, number> = {};
  for (const [field, names] of Object.entries(COLUMNS)) {
    const i = header.findIndex(h => names.includes(h));
    if (i >= 0) index[field] = i;
  }
  const missing = ['externalId', 'category', 'openedAt'].filter(
    f => index[f] === undefined,
  );
  if (missing.length > 0) {
    throw new InputError(
      `CSV header must name the columns external_id, category and opened_at (optional: resolved_at, team); missing ${missing
        .map(m => COLUMNS[m][0])
        .join(', ')}`,
    );
  }
  const body = rows.slice(1);
  if (body.length > MAX_TICKET_ROWS) {
    throw new InputError(
      `CSV has ${body.length} rows; at most ${MAX_TICKET_ROWS} per import`,
    );
  }
  const objects = body.map(cells => {
    const ticket: Record<string, string> = {};
    for (const [field, i] of Object.entries(index)) {
      const value = cells[i]?.trim();
      if (value) ticket[field] = value;
    }
    if (cells.length > header.length) {
      ticket.extraColumns = String(cells.length - header.length);
    }
    return ticket;
  });
  return validateTickets(objects, i => i + 2);
}
