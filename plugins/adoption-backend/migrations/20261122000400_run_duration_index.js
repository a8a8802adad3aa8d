// @ts-check

/**
 * Covering index for the durations of the partial weeks at a window's edges (read from rows, not
 * rollups): SQLite answers them from the index alone, without a table lookup per run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('adoption_template_runs', table => {
    table.index(
      ['status', 'created_at', 'template_ref', 'duration_ms'],
      'adoption_template_runs_durations_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('adoption_template_runs', table => {
    table.dropIndex([], 'adoption_template_runs_durations_idx');
  });
};
