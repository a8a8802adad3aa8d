// @ts-check

/**
 * Ingesting a deployment looks up the incidents naming it as their cause. Without this index each
 * lookup read every incident of the deployment's service and filtered them (at 1,000,000
 * deployments and 50,000 incidents, 183 ms of a 1,000-event batch on PostgreSQL; see
 * docs/benchmarks.md, 2026-12-06). Partial: most incidents name no deployment.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    'create index dora_incidents_cause_deployment_idx on dora_incidents (cause_deployment_id) where cause_deployment_id is not null',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index if exists dora_incidents_cause_deployment_idx');
};
