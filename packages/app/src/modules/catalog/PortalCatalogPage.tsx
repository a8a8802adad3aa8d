import { ReactNode } from 'react';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { CatalogTable } from '@backstage/plugin-catalog';
import { CatalogIndexPage } from '@backstage/plugin-catalog/alpha';
import { catalogCellStyle, portalCatalogColumns } from './catalogColumns';

/** Below this width the table leaves out its description and tags columns. */
const narrowQuery = '(max-width: 1279px)';

/**
 * The catalog page with a table whose names stay whole and whose columns all fit; otherwise as
 * the catalog's own page (its entity filters, paginated).
 */
export function PortalCatalogPage(props: { filters: ReactNode }) {
  const narrow = useMediaQuery(narrowQuery);
  return (
    <CatalogIndexPage
      filters={props.filters}
      pagination
      columns={context =>
        portalCatalogColumns(CatalogTable.defaultColumnsFunc(context), {
          narrow,
        })
      }
      tableOptions={{ actionsCellStyle: catalogCellStyle }}
    />
  );
}
