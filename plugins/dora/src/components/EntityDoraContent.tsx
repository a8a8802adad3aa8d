import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DoraMetricsView } from './DoraMetricsView';

/** The DORA tab of a component: its metrics, trend and deploy streams. */
export function EntityDoraContent() {
  const { entity } = useEntity();
  return (
    <DoraMetricsView scope="service" scopeRef={stringifyEntityRef(entity)} />
  );
}
