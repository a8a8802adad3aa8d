import { createApiRef } from '@backstage/frontend-plugin-api';
import { PostgresInstanceSummary } from '@internal/plugin-crossplane-common';

/** Reads databases from the `crossplane` backend plugin. @public */
export interface CrossplaneApi {
  /** The PostgreSQL databases requested for a component (entity ref). */
  listDatabases(componentRef: string): Promise<PostgresInstanceSummary[]>;
}

/** @public */
export const crossplaneApiRef = createApiRef<CrossplaneApi>({
  id: 'plugin.crossplane.api',
});
