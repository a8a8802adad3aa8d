import { EntityRefLink } from '@backstage/plugin-catalog-react';

/** `kind:namespace/name` or `kind:name`, as the adoption backend writes refs. */
const ENTITY_REF = /^[^:/\s]+:[^:\s]+$/;
import { formatDuration, formatHours, formatShare } from '../format';
import { MeasureColumn } from './MeasureTable';

/** Reads one figure of a table row. */
type Read<T, V> = (row: T) => V;

/** Rounds for the CSV export, so spreadsheets get figures, not float noise. */
function roundTo(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A name shown as is: team, template, plugin, step. */
export function textColumn<T extends object>(
  title: string,
  read: Read<T, string>,
): MeasureColumn<T> {
  return { title, value: read };
}

/** A whole number of things: components, runs, tickets, page views. */
export function countColumn<T extends object>(
  title: string,
  read: Read<T, number>,
): MeasureColumn<T> {
  return { title, value: read, numeric: true };
}

/** A figure shown formatted; the CSV gets `exported` of the raw figure, so spreadsheets can compute with it. */
function figureColumn<T extends object>(
  title: string,
  read: Read<T, number | null>,
  format: (value: number | null) => string,
  exported: (value: number | null) => number | null,
): MeasureColumn<T> {
  return {
    title,
    value: row => exported(read(row)),
    render: row => format(read(row)),
    numeric: true,
  };
}

/** A share between 0 and 1, shown as a percentage; the CSV keeps the fraction to three decimals. */
export function shareColumn<T extends object>(
  title: string,
  read: Read<T, number | null>,
): MeasureColumn<T> {
  return figureColumn(title, read, formatShare, v => roundTo(v, 3));
}

/**
 * Hours, shown in minutes, hours or days as they read best (so the title names no unit); the CSV
 * keeps hours to one decimal under "<title> (hours)".
 */
export function hoursColumn<T extends object>(
  title: string,
  read: Read<T, number | null>,
): MeasureColumn<T> {
  return {
    ...figureColumn(title, read, formatHours, v => roundTo(v, 1)),
    csvTitle: `${title} (hours)`,
  };
}

/**
 * A catalog entity (a team's group ref, or `all`; a template ref), shown by its catalog name with
 * a link; the CSV keeps the ref.
 */
export function entityColumn<T extends object>(
  title: string,
  read: Read<T, string>,
): MeasureColumn<T> {
  return {
    title,
    value: read,
    render: row => {
      const ref = read(row);
      if (ref === 'all') return 'All teams';
      // Rows the backend could not attribute (such as `unowned`) are no entity refs: as is.
      if (!ENTITY_REF.test(ref)) return ref;
      return <EntityRefLink entityRef={ref} hideIcon />;
    },
  };
}

/** Milliseconds, shown in seconds or minutes; the CSV keeps the milliseconds. */
export function durationColumn<T extends object>(
  title: string,
  read: Read<T, number | null>,
): MeasureColumn<T> {
  return figureColumn(title, read, formatDuration, v => v);
}

/** An ISO timestamp to the minute ("2026-11-20 10:00"), in UTC like the figures. */
export function timestampColumn<T extends object>(
  title: string,
  read: Read<T, string>,
): MeasureColumn<T> {
  return { title, value: row => read(row).slice(0, 16).replace('T', ' ') };
}
