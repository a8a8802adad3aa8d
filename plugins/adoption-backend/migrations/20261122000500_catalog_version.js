// @ts-check

/**
 * The catalog-side inputs of the summary (components, declared template versions, first deploys,
 * provenance events) change far less often than runs, tickets or analytics. `catalog_version`
 * counts their changes so a summary recomputation can reuse the inputs it loaded last time, and
 * each snapshot keeps a fingerprint of its content so an unchanged snapshot is neither rewritten
 * nor counted as a change.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('adoption_state', table => {
    table
      .string('fingerprint', 64)
      .nullable()
      .comment('sha256 of the snapshot last written under this name');
  });
  await knex('adoption_state').insert([
    { name: 'catalog_version', value: 1 },
    { name: 'catalog_snapshot', value: 0 },
    { name: 'first_deploys', value: 0 },
  ]);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex('adoption_state')
    .whereIn('name', ['catalog_version', 'catalog_snapshot', 'first_deploys'])
    .delete();
  await knex.schema.alterTable('adoption_state', table => {
    table.dropColumn('fingerprint');
  });
};
