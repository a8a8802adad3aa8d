import type { TableColumn } from '@backstage/core-components';
import type { CatalogTableRow } from '@backstage/plugin-catalog';
import { portalCatalogColumns } from './catalogColumns';

const columns: TableColumn<CatalogTableRow>[] = [
  { title: 'Name', field: 'resolved.entityRef' },
  { title: 'Description', field: 'entity.metadata.description' },
  {
    title: 'Tags',
    field: 'entity.metadata.tags',
    cellStyle: { padding: '0px 16px 0px 20px' },
  },
];

describe('portalCatalogColumns', () => {
  it('breaks cell text between words only, in every column and its header', () => {
    for (const column of portalCatalogColumns(columns, { narrow: false })) {
      expect(column.cellStyle).toMatchObject({
        wordBreak: 'normal',
        overflowWrap: 'break-word',
      });
      expect(column.headerStyle).toMatchObject({ wordBreak: 'normal' });
    }
  });

  it("keeps a column's own cell style over the shared one", () => {
    const tags = portalCatalogColumns(columns, { narrow: false })[2];
    expect(tags.cellStyle).toMatchObject({ padding: '0px 16px 0px 20px' });
  });

  it('leaves out the description and the tags on a narrow screen only', () => {
    expect(
      portalCatalogColumns(columns, { narrow: true }).map(c => c.title),
    ).toEqual(['Name']);
    expect(
      portalCatalogColumns(columns, { narrow: false }).map(c => c.title),
    ).toEqual(['Name', 'Description', 'Tags']);
  });
});
