import type { TableColumn } from '@backstage/core-components';
import type { CatalogTableRow } from '@backstage/plugin-catalog';
import type { CSSProperties } from 'react';

/**
 * How a catalog table cell wraps its text. Backstage's theme lets table cells break words
 * anywhere (`word-break: break-word`), so the auto-layout table squeezed the name column down to
 * a few letters and broke names mid-word. Breaking between words only keeps every column at
 * least as wide as its longest word; a single word longer than the whole column still wraps.
 * Cells get less horizontal padding than the theme's, so all columns fit a 1024 px laptop.
 */
export const catalogCellStyle: CSSProperties = {
  wordBreak: 'normal',
  overflowWrap: 'break-word',
  paddingLeft: 12,
  paddingRight: 8,
};

/**
 * Columns left out on a narrow screen: the description and the tags are on each entity's page,
 * and the tags are a filter too. What remains fits a 1024 px laptop with the actions.
 */
const wideOnlyFields = ['entity.metadata.description', 'entity.metadata.tags'];

/**
 * The catalog's own columns for the kind shown, with cells that never break a word, and on a
 * narrow screen without the columns that would push the last ones out of sight.
 */
export function portalCatalogColumns(
  columns: TableColumn<CatalogTableRow>[],
  options: { narrow: boolean },
): TableColumn<CatalogTableRow>[] {
  return columns
    .filter(
      column =>
        !(
          options.narrow &&
          typeof column.field === 'string' &&
          wideOnlyFields.includes(column.field)
        ),
    )
    .map(column => ({
      ...column,
      cellStyle: {
        ...catalogCellStyle,
        ...(typeof column.cellStyle === 'object' ? column.cellStyle : {}),
      },
      headerStyle: {
        ...catalogCellStyle,
        ...(typeof column.headerStyle === 'object' ? column.headerStyle : {}),
      },
    }));
}
