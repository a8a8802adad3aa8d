import { Table, TableColumn } from '@backstage/core-components';
import { Button } from '@material-ui/core';
import {
  DORA_METRIC_IDS,
  DoraBreakdownRow,
  DoraMetricId,
} from '@internal/plugin-dora-common';
import { downloadCsv } from '@internal/plugin-leadership-common';
import { breakdownToCsv } from '../csv';
import { formatMetricValue, METRIC_TITLES } from '../format';
import { BandChip } from './BandChip';

function metricColumn(id: DoraMetricId): TableColumn<DoraBreakdownRow> {
  return {
    title: METRIC_TITLES[id],
    field: `metrics.${id}.value`,
    type: 'numeric',
    customSort: (a, b) =>
      (a.metrics[id].value ?? -Infinity) - (b.metrics[id].value ?? -Infinity),
    render: row => {
      const result = row.metrics[id];
      return (
        <>
          {formatMetricValue(result)} <BandChip band={result.band} />
        </>
      );
    },
  };
}

/** Sortable table of the teams, services or streams below the current scope, with CSV export. */
export function BreakdownTable(props: {
  title: string;
  rows: DoraBreakdownRow[];
  onSelect?: (row: DoraBreakdownRow) => void;
}) {
  const { title, rows, onSelect } = props;
  const columns: TableColumn<DoraBreakdownRow>[] = [
    {
      title: 'Name',
      field: 'ref',
      render: row =>
        onSelect ? (
          <Button size="small" color="primary" onClick={() => onSelect(row)}>
            {row.ref}
          </Button>
        ) : (
          row.ref
        ),
    },
    ...DORA_METRIC_IDS.map(metricColumn),
  ];
  return (
    <Table<DoraBreakdownRow>
      title={title}
      columns={columns}
      data={rows}
      options={{ paging: false, search: true, padding: 'dense' }}
      actions={[
        {
          icon: () => <span>CSV</span>,
          tooltip: 'Export as CSV',
          isFreeAction: true,
          onClick: () =>
            downloadCsv(
              breakdownToCsv(rows),
              `dora-${title.toLowerCase()}.csv`,
            ),
        },
      ]}
    />
  );
}
