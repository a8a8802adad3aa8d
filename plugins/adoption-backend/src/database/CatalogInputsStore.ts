import { ComponentRecord } from '../domain';

/**
 * What the measures read from outside the adoption tables, stored as snapshots: the catalog's
 * components and declared template versions (`adoption_components`, `adoption_templates`) and
 * each component's first production deployment from DORA (`adoption_first_deploys`).
 */
export interface CatalogInputsStore {
  /** Replaces the components and declared template versions (sorted, deterministic order). */
  replaceCatalog(
    components: ComponentRecord[],
    templates: Array<[templateRef: string, version: string]>,
  ): Promise<void>;

  listComponents(): Promise<ComponentRecord[]>;

  declaredTemplateVersions(): Promise<Map<string, string>>;

  /** Replaces the first deployments (entity ref, epoch ms). */
  replaceFirstDeploys(
    firstDeploys: Array<[entityRef: string, at: number]>,
  ): Promise<void>;

  firstDeploys(): Promise<Map<string, number>>;
}
