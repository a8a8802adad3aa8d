/** Quotes a CSV field when needed (RFC 4180) and defuses spreadsheet formulas. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV with the given columns (header = column titles). */
export function toCsv<T>(
  rows: T[],
  columns: Array<{ title: string; value: (row: T) => string | number | null }>,
): string {
  return [
    columns.map(c => csvField(c.title)).join(','),
    ...rows.map(row => columns.map(c => csvField(c.value(row))).join(',')),
  ]
    .join('\r\n')
    .concat('\r\n');
}

/** Offers a CSV file for download. */
export function downloadCsv(csv: string, fileName: string) {
  const blob = new Blob([csv], { type: 'text/csv' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
