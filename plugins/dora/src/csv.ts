import {
  DORA_METRIC_IDS,
  DoraBreakdownRow,
} from '@internal/plugin-dora-common';

/** Quotes a CSV field when it holds a separator, a quote or a line break (RFC 4180). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A leading =, +, - or @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The breakdown table as CSV: one row per team, service or stream, value and band per metric. */
export function breakdownToCsv(rows: DoraBreakdownRow[]): string {
  const header = [
    'scope',
    'ref',
    ...DORA_METRIC_IDS.flatMap(id => [id, `${id}Unit`, `${id}Band`]),
  ];
  const lines = rows.map(row => [
    row.scope,
    row.ref,
    ...DORA_METRIC_IDS.flatMap(id => {
      const metric = row.metrics[id];
      return [metric.value, metric.unit, metric.band];
    }),
  ]);
  return [header, ...lines]
    .map(line => line.map(csvField).join(','))
    .join('\r\n')
    .concat('\r\n');
}
