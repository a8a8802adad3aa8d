import { Link, Table, TableColumn } from '@backstage/core-components';
import { useEntityPresentation } from '@backstage/plugin-catalog-react';
import {
  DORA_METRIC_IDS,
  DoraBreakdownRow,
  DoraMetricId,
} from '@internal/plugin-dora-common';
import { downloadCsv } from '@internal/plugin-leadership-common';
import { breakdownToCsv } from '../csv';
import { formatMetricValue, METRIC_TITLES } from '../format';
import { BandChip } from './BandChip';
import { UNMAPPED_TEAM_REF } from '../scorecard/scorecard';

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

/**
 * A breakdown row's name as a reader knows it: the catalog's title for a team or component, words
 * for the DORA backend's placeholders (the unmapped team, unmapped services, deploy streams).
 */
export function BreakdownName({ row }: { row: DoraBreakdownRow }) {
  if (row.ref === UNMAPPED_TEAM_REF) {
    return <>Sources no component claims</>;
  }
  if (row.ref.startsWith('unmapped:')) {
    return <>Unclaimed {row.ref.slice('unmapped:'.length)}</>;
  }
  if (row.scope === 'stream') {
    return <>{row.ref}</>;
  }
  return <EntityName entityRef={row.ref} />;
}

/**
 * An entity's name as the catalog presents it, as plain text: inside a link, EntityDisplayName's
 * tooltip would give the link an accessible name other than its text (axe:
 * label-content-name-mismatch).
 *
 * @public
 */
export function EntityName({ entityRef }: { entityRef: string }) {
  return <>{useEntityPresentation(entityRef).primaryTitle}</>;
}

/** Sortable table of the teams, services or streams below the current scope, with CSV export. */
export function BreakdownTable(props: {
  title: string;
  rows: DoraBreakdownRow[];
  /** Where a row's figures one level down are; rows without one are not links. */
  rowHref?: (row: DoraBreakdownRow) => string | undefined;
}) {
  const { title, rows, rowHref } = props;
  const columns: TableColumn<DoraBreakdownRow>[] = [
    {
      title: 'Name',
      field: 'ref',
      // Names, not refs, and never broken mid-word.
      cellStyle: { wordBreak: 'normal', overflowWrap: 'normal' },
      render: row => {
        const href = rowHref?.(row);
        return href ? (
          <Link to={href}>
            <BreakdownName row={row} />
          </Link>
        ) : (
          <BreakdownName row={row} />
        );
      },
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
