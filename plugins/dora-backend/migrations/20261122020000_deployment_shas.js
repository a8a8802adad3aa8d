// @ts-check

/**
 * The commits each deployment reports (its commit list and head SHA), one row per SHA, so ingest
 * finds the deployments that ship a commit through an index instead of reading every deployment
 * of the weeks around it. Deployments without a commit list (commits inferred from commit times)
 * get a partial index: ingest checks cheaply whether a service has any.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_deployment_shas', table => {
    table
      .bigInteger('deployment_id')
      .notNullable()
      .comment('dora_deployments.id');
    table.string('sha', 64).notNullable();
    table.primary(['deployment_id', 'sha']);
    table.index(['sha'], 'dora_deployment_shas_sha_idx');
  });
  await knex.raw(
    'create index dora_deployments_commitless_idx on dora_deployments (entity_ref, finished_at) where commits is null',
  );
  // Existing deployments, in the database itself (a million deployments fit no array in memory).
  const client = String(
    /** @type {{ config?: { client?: unknown } }} */ (knex.client).config
      ?.client,
  );
  const elements = ['pg', 'postgres', 'postgresql'].includes(client)
    ? 'jsonb_array_elements_text(d.commits::jsonb) as j(value)'
    : 'json_each(d.commits) as j';
  await knex.raw(
    `insert into dora_deployment_shas (deployment_id, sha)
     select d.id, j.value from dora_deployments d, ${elements} where d.commits is not null
     union
     select d.id, d.commit_sha from dora_deployments d where d.commit_sha is not null`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index if exists dora_deployments_commitless_idx');
  await knex.schema.dropTable('dora_deployment_shas');
};
