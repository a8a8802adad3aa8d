// @ts-check

/**
 * Weekly rollups (the daily ones summed per Monday-based UTC week, so long windows read a seventh
 * of the rows) and an index for looking commits up by SHA. The weekly rows of existing data are
 * built by the startup backfill (marker `facts-v2:*`, see DoraStore.ensureDerived).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_changes', table => {
    table.index(['sha'], 'dora_changes_sha_idx');
  });
  await knex.schema.createTable('dora_weekly_rollups', table => {
    table.string('service', 600).notNullable();
    table.string('stream', 256).notNullable();
    table
      .integer('day')
      .notNullable()
      .comment("the week's Monday, in days since 1970-01-01 UTC");
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
    table
      .text('deployment_days')
      .notNullable()
      .comment('JSON array of the days with a deployment');
    table.primary(['service', 'stream', 'day']);
    table.index(['day']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_weekly_rollups');
  await knex.schema.alterTable('dora_changes', table => {
    table.dropIndex(['sha'], 'dora_changes_sha_idx');
  });
  await knex('dora_markers').where('name', 'like', 'facts-v2%').delete();
};
