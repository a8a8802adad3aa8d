import { Knex } from 'knex';
import { chunks, dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { ComponentRecord } from '../domain';
import { CatalogInputsStore } from './CatalogInputsStore';
import {
  CHUNK,
  ComponentRow,
  FirstDeployRow,
  roundOrNull,
  TemplateVersionRow,
} from './rows';

export class DatabaseCatalogInputsStore implements CatalogInputsStore {
  constructor(private readonly db: Knex) {}

  async replaceCatalog(
    components: ComponentRecord[],
    templates: Array<[templateRef: string, version: string]>,
  ): Promise<void> {
    await this.db('adoption_components').delete();
    await this.db('adoption_templates').delete();
    for (const rows of chunks(components, CHUNK)) {
      await this.db('adoption_components').insert(
        rows.map(
          (c): ComponentRow => ({
            entity_ref: c.entityRef,
            owner: c.owner,
            template_ref: c.templateRef,
            template_version: c.templateVersion,
            created_at: roundOrNull(c.createdAt),
          }),
        ),
      );
    }
    for (const rows of chunks(templates, CHUNK)) {
      await this.db('adoption_templates').insert(
        rows.map(
          ([ref, version]): TemplateVersionRow => ({
            template_ref: ref,
            version,
          }),
        ),
      );
    }
  }

  async listComponents(): Promise<ComponentRecord[]> {
    const rows: ComponentRow[] = await this.db('adoption_components').select(
      '*',
    );
    return rows.map(r => ({
      entityRef: r.entity_ref,
      owner: r.owner,
      templateRef: r.template_ref,
      templateVersion: r.template_version,
      createdAt: dbNumberOrNull(r.created_at),
    }));
  }

  async declaredTemplateVersions(): Promise<Map<string, string>> {
    const rows: TemplateVersionRow[] = await this.db(
      'adoption_templates',
    ).select('*');
    return new Map(rows.map(r => [r.template_ref, r.version]));
  }

  async replaceFirstDeploys(
    firstDeploys: Array<[entityRef: string, at: number]>,
  ): Promise<void> {
    await this.db('adoption_first_deploys').delete();
    for (const rows of chunks(firstDeploys, CHUNK)) {
      await this.db('adoption_first_deploys').insert(
        rows.map(
          ([ref, at]): FirstDeployRow => ({
            entity_ref: ref,
            first_deploy_at: at,
          }),
        ),
      );
    }
  }

  async firstDeploys(): Promise<Map<string, number>> {
    const rows: FirstDeployRow[] = await this.db(
      'adoption_first_deploys',
    ).select('*');
    return new Map(rows.map(r => [r.entity_ref, dbNumber(r.first_deploy_at)]));
  }
}
