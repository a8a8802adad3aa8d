import {
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DatabasesView } from './DatabasesView';

/** The Databases tab of a component. */
export function EntityDatabasesContent() {
  const { entity } = useEntity();
  const dependsOn = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_DEPENDS_ON)
    .map(relation => relation.targetRef);
  return (
    <DatabasesView
      componentRef={stringifyEntityRef(entity)}
      dependsOn={dependsOn}
    />
  );
}
