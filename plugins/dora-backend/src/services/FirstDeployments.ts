import { Knex } from 'knex';

/**
 * Each component's first successful production deployment: the read API other plugins use
 * (the adoption plugin's time from repository creation to first production deploy).
 */
export class FirstDeployments {
  constructor(private readonly db: Knex) {}

  async list(): Promise<
    Array<{ entityRef: string; firstProductionDeployAt: string }>
  > {
    const rows = await this.db('dora_deployments')
      .select('entity_ref')
      .min({ first: 'finished_at' })
      .whereNotNull('entity_ref')
      .whereNotNull('finished_at')
      .where('production', true)
      .where('status', 'success')
      .groupBy('entity_ref');
    return rows.map((r: any) => ({
      entityRef: r.entity_ref,
      firstProductionDeployAt: new Date(Number(r.first)).toISOString(),
    }));
  }
}
