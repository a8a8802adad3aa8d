import { InputError } from '@backstage/errors';

/** Largest CSV upload parsed, in characters. */
export const MAX_CSV_LENGTH = 5_000_000;

/**
 * Parses RFC 4180 CSV (comma-separated, fields optionally in double quotes, `""` for a quote
 * inside quotes, CRLF or LF line ends). Returns rows of fields; blank lines are skipped. Throws
 * an InputError naming the line of an unterminated quote.
 */
export function parseCsv(text: string): string[][] {
  if (text.length > MAX_CSV_LENGTH) {
    throw new InputError(`CSV is larger than ${MAX_CSV_LENGTH} characters`);
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let quoteLine = 1;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '' && !fieldStarted)) {
      rows.push(row);
    }
    row = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
      quoteLine = line;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      line++;
      endRow();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) {
    throw new InputError(`CSV line ${quoteLine}: a quoted field is not closed`);
  }
  if (field !== '' || fieldStarted || row.length > 0) {
    endRow();
  }
  return rows;
}

/** Quotes a CSV field when needed. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
