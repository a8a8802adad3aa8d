// @ts-check

/**
 * Stored summaries: the dashboards read a summary computed by the scheduled collector (or on the
 * first read after a change) instead of aggregating every row per request.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('adoption_summaries', table => {
    table.integer('window_days').primary();
    table.bigInteger('computed_at').notNullable();
    table
      .bigInteger('data_version')
      .notNullable()
      .comment('adoption_state.data_version the summary was computed from');
    table.text('body').notNullable();
  });
  // Bumped by every write that must show at once (events, tickets, demo seed).
  await knex.schema.createTable('adoption_state', table => {
    table.string('name', 64).primary();
    table.bigInteger('value').notNullable();
  });
  await knex('adoption_state').insert({ name: 'data_version', value: 1 });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('adoption_state');
  await knex.schema.dropTable('adoption_summaries');
};
