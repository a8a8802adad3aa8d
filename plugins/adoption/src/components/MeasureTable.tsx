import { Table, TableColumn } from '@backstage/core-components';
import { downloadCsv, toCsv } from '@internal/plugin-leadership-common';

/** A column shown in the table and written to its CSV export. */
export interface MeasureColumn<T extends object> {
  title: string;
  /** The CSV's heading when it differs from the table's (a unit the table shows in the cells). */
  csvTitle?: string;
  /** The raw value: sorting and CSV use it. */
  value: (row: T) => string | number | null;
  /** How the value is shown, when not as is. */
  render?: (row: T) => React.ReactNode;
  numeric?: boolean;
}

/** The columns as the CSV export writes them: raw values under their CSV headings. */
export function csvColumns<T extends object>(columns: MeasureColumn<T>[]) {
  return columns.map(c => ({ title: c.csvTitle ?? c.title, value: c.value }));
}

/** A sortable table of one measure's rows, with CSV export of exactly what it shows. */
export function MeasureTable<T extends object>(props: {
  title: string;
  fileName: string;
  rows: T[];
  columns: MeasureColumn<T>[];
}) {
  const { title, fileName, rows, columns } = props;
  const tableColumns: TableColumn<T>[] = columns.map(c => ({
    title: c.title,
    type: c.numeric ? 'numeric' : undefined,
    customSort: (a: T, b: T) => {
      const x = c.value(a);
      const y = c.value(b);
      if (x === null) return y === null ? 0 : -1;
      if (y === null) return 1;
      return typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y));
    },
    render: (row: T) => (c.render ? c.render(row) : c.value(row) ?? '–'),
  }));
  return (
    <Table<T>
      title={title}
      columns={tableColumns}
      data={rows}
      options={{ paging: false, search: false, padding: 'dense' }}
      actions={[
        {
          icon: () => <span>CSV</span>,
          tooltip: 'Export as CSV',
          isFreeAction: true,
          onClick: () =>
            downloadCsv(toCsv(rows, csvColumns(columns)), fileName),
        },
      ]}
    />
  );
}
