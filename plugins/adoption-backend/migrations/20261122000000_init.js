// @ts-check

/**
 * Adoption tables. Times are epoch milliseconds (bigint) so SQLite and PostgreSQL compare them
 * identically. Every ingest table has a natural key, so redelivery and re-import upsert.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Contract 3 events; the client's id is the idempotency key.
  await knex.schema.createTable('adoption_events', table => {
    table.string('id', 256).primary();
    table.string('type', 16).notNullable();
    table.bigInteger('occurred_at').notNullable();
    table.string('template_ref', 512).nullable();
    table.string('template_version', 64).nullable();
    table.string('task_id', 256).nullable();
    table.string('entity_ref', 512).nullable();
    table.string('owner', 512).nullable();
    table.string('kind', 16).nullable();
    table.bigInteger('requested_at').nullable();
    table.bigInteger('ready_at').nullable();
    table.string('status', 16).nullable();
    table.bigInteger('duration_ms').nullable();
    table.bigInteger('received_at').notNullable();
    table.index(['occurred_at']);
    table.index(['entity_ref']);
  });

  // Scaffolder runs from its task history, one row per task, updated until the run is final.
  await knex.schema.createTable('adoption_template_runs', table => {
    table.string('task_id', 256).primary();
    table.string('template_ref', 512).notNullable();
    table.string('template_version', 64).nullable();
    table.string('status', 16).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('finished_at').nullable();
    table.bigInteger('duration_ms').nullable();
    table.string('failed_step', 256).nullable();
    table.text('error_message').nullable();
    table.index(['created_at']);
    table.index(['status']);
  });

  // Snapshot of catalog components with their provenance, refreshed by a scheduled task.
  await knex.schema.createTable('adoption_components', table => {
    table.string('entity_ref', 512).primary();
    table.string('owner', 512).nullable();
    table.string('template_ref', 512).nullable();
    table.string('template_version', 64).nullable();
    table.bigInteger('created_at').nullable();
  });

  // Versions that template entities declare (fernhill.io/template-version).
  await knex.schema.createTable('adoption_templates', table => {
    table.string('template_ref', 512).primary();
    table.string('version', 64).notNullable();
  });

  // First successful production deployment per component, read from the DORA backend.
  await knex.schema.createTable('adoption_first_deploys', table => {
    table.string('entity_ref', 512).primary();
    table.bigInteger('first_deploy_at').notNullable();
  });

  await knex.schema.createTable('adoption_tickets', table => {
    table.string('external_id', 256).primary();
    table.string('category', 64).notNullable();
    table.string('team', 512).nullable();
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('resolved_at').nullable();
    table.bigInteger('imported_at').notNullable();
    table.index(['opened_at']);
  });

  // Analytics are kept only as rollups: views per day and plugin, (hashed) users per week.
  await knex.schema.createTable('adoption_usage_views', table => {
    table.bigInteger('day').notNullable();
    table.bigInteger('week').notNullable();
    table.string('plugin_id', 128).notNullable();
    table.bigInteger('views').notNullable();
    table.primary(['day', 'plugin_id']);
    table.index(['week']);
  });
  await knex.schema.createTable('adoption_usage_users', table => {
    table.bigInteger('week').notNullable();
    table.string('user_key', 64).notNullable();
    table.primary(['week', 'user_key']);
  });

  await knex.schema.createTable('adoption_nps_answers', table => {
    table.bigIncrements('id');
    table.string('user_key', 64).nullable().comment('null when anonymous');
    table.integer('score').notNullable();
    table.text('comment').nullable();
    table.bigInteger('answered_at').notNullable();
    table.index(['answered_at']);
  });
  // When each (hashed) user last answered or dismissed the survey, for the once-per-period rule.
  await knex.schema.createTable('adoption_nps_prompts', table => {
    table.string('user_key', 64).primary();
    table.bigInteger('answered_at').nullable();
    table.bigInteger('dismissed_at').nullable();
  });

  // One-off markers ("demo data seeded") and collector state.
  await knex.schema.createTable('adoption_markers', table => {
    table.string('name', 128).primary();
    table.bigInteger('created_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'adoption_markers',
    'adoption_nps_prompts',
    'adoption_nps_answers',
    'adoption_usage_users',
    'adoption_usage_views',
    'adoption_tickets',
    'adoption_first_deploys',
    'adoption_templates',
    'adoption_components',
    'adoption_template_runs',
    'adoption_events',
  ]) {
    await knex.schema.dropTable(table);
  }
};
