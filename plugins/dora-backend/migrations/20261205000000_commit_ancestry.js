// @ts-check

/**
 * Issue 16, item 7: where each commit entered the tracked branch, when a push (or a compare between
 * two deployed SHAs) listed it: the range `pushed_before..pushed_head` and its position there
 * (oldest first). Deriving facts follows these ranges from a deployed SHA back to a commit an
 * earlier deployment shipped, instead of inferring a deployment's commits from commit times; the
 * indexes find every commit a range listed, however old its commit time, and the ranges that
 * start at a commit (a commit reported late changes the deployments of what came after it).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_changes', table => {
    table.string('pushed_before', 64).nullable();
    table.string('pushed_head', 64).nullable();
    table.integer('pushed_index').nullable();
    table.index(['pushed_head'], 'dora_changes_pushed_head_idx');
    table.index(['pushed_before'], 'dora_changes_pushed_before_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dora_changes', table => {
    table.dropIndex(['pushed_head'], 'dora_changes_pushed_head_idx');
    table.dropIndex(['pushed_before'], 'dora_changes_pushed_before_idx');
    table.dropColumn('pushed_before');
    table.dropColumn('pushed_head');
    table.dropColumn('pushed_index');
  });
};
