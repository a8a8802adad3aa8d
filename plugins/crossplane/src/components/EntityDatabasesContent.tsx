import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DatabasesView } from './DatabasesView';

/** The Databases tab of a component. */
export function EntityDatabasesContent() {
  const { entity } = useEntity();
  return <DatabasesView componentRef={stringifyEntityRef(entity)} />;
}
