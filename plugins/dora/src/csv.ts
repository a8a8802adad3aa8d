import {
  DORA_METRIC_IDS,
  DoraBreakdownRow,
} from '@internal/plugin-dora-common';
import { csvOfLines } from '@internal/plugin-leadership-common';

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
  return csvOfLines([header, ...lines]);
}
