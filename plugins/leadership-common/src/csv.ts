/**
 * CSV export of the leadership dashboards' tables (DORA and adoption), so leadership can take the
 * figures into a spreadsheet. RFC 4180 quoting; fields a spreadsheet would run as a formula are
 * defused.
 */

/**
 * One CSV field: quoted when it holds a separator, a quote or a line break; text starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return (a formula to spreadsheet programs) is prefixed
 * with `'`; numbers stay numbers (-5 is not a formula); null is empty.
 *
 * @public
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  // Tab and carriage return too: some spreadsheet programs skip them before a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Lines of fields as CSV: CRLF line ends, a final line end.
 *
 * @public
 */
export function csvOfLines(
  lines: Array<Array<string | number | null | undefined>>,
): string {
  return lines
    .map(line => line.map(csvField).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/**
 * Rows as CSV with the given columns; the header holds the column titles.
 *
 * @public
 */
export function toCsv<T>(
  rows: T[],
  columns: Array<{ title: string; value: (row: T) => string | number | null }>,
): string {
  return csvOfLines([
    columns.map(c => c.title),
    ...rows.map(row => columns.map(c => c.value(row))),
  ]);
}

/**
 * Offers a CSV file for download (in a browser).
 *
 * @public
 */
export function downloadCsv(csv: string, fileName: string): void {
  const blob = new Blob([csv], { type: 'text/csv' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked once the download has started, not while the click is still being handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
