// @ts-check

/**
 * Derived tables maintained at ingest so metrics never read raw commits:
 * - dora_deployment_facts: one row per successful production deployment (lead times of the commits
 *   it shipped first, failure and rework flags, recovery);
 * - dora_daily_rollups: those facts summed per service, deploy stream and UTC day, with log-bucket
 *   histograms of lead and recovery times;
 * - dora_unlinked_incidents: incidents no deployment could be linked to.
 * All three are rebuilt from the raw event tables; existing data is backfilled at startup under a
 * marker (see DoraStore.create), so this migration only creates them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Incidents and rollbacks name deployments by their source id; ingest looks those up.
  await knex.schema.alterTable('dora_deployments', table => {
    table.index(['external_id'], 'dora_deployments_external_id_idx');
  });
  await knex.schema.createTable('dora_deployment_facts', table => {
    table.string('service', 600).notNullable();
    table.string('deployment_id', 512).notNullable();
    table.string('stream', 256).notNullable();
    table.bigInteger('finished_at').notNullable();
    table.integer('day').notNullable();
    table.boolean('rework').notNullable();
    table.boolean('inferred').notNullable();
    table.boolean('failed').notNullable();
    table.boolean('failed_via_fallback').notNullable();
    table.boolean('rolled_back').notNullable();
    table.integer('linked_incidents').notNullable();
    table.integer('rollbacks').notNullable();
    table.bigInteger('failure_start').nullable();
    table.bigInteger('recovered_at').nullable();
    table.integer('commits').notNullable();
    table.integer('commits_without_time').notNullable();
    table
      .text('lead_times_ms')
      .notNullable()
      .comment('JSON array of commit lead times in ms');
    table.primary(['service', 'deployment_id']);
    table.index(['service', 'finished_at']);
    table.index(['finished_at']);
  });

  await knex.schema.createTable('dora_daily_rollups', table => {
    table.string('service', 600).notNullable();
    table.string('stream', 256).notNullable();
    table.integer('day').notNullable().comment('days since 1970-01-01 UTC');
    for (const column of [
      'deployments',
      'rework',
      'inferred',
      'failed',
      'failed_via_fallback',
      'rolled_back',
      'linked_incidents',
      'rollbacks',
      'recovered',
      'unrecovered',
      'commits',
      'commits_without_time',
    ]) {
      table.integer(column).notNullable();
    }
    table.text('lead_time_histogram').notNullable();
    table.text('recovery_histogram').notNullable();
    table.primary(['service', 'stream', 'day']);
    table.index(['day']);
  });

  await knex.schema.createTable('dora_unlinked_incidents', table => {
    table.string('service', 600).notNullable();
    table.string('incident_id', 512).notNullable();
    table.bigInteger('opened_at').notNullable();
    table.primary(['service', 'incident_id']);
    table.index(['opened_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dora_deployments', table => {
    table.dropIndex(['external_id'], 'dora_deployments_external_id_idx');
  });
  await knex.schema.dropTable('dora_unlinked_incidents');
  await knex.schema.dropTable('dora_daily_rollups');
  await knex.schema.dropTable('dora_deployment_facts');
  await knex('dora_markers').where('name', 'like', 'facts-v%').delete();
};
