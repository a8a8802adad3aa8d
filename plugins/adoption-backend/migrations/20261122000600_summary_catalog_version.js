// @ts-check

/**
 * A stored summary also records the catalog version it was computed from, so a catalog change
 * (a new component, first deploy or declared template version) makes it stale like a data write.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('adoption_summaries', table => {
    table
      .bigInteger('catalog_version')
      .notNullable()
      .defaultTo(0)
      .comment('adoption_state.catalog_version the summary was computed from');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('adoption_summaries', table => {
    table.dropColumn('catalog_version');
  });
};
