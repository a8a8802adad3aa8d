// @ts-check

/**
 * Issue 16: what the facts need to count a release rolled out to several deploy streams once per
 * service and to label deployments failed because a hotfix or rollback deployment followed them,
 * and an index for counting failed production rollouts. The facts are derived again at startup
 * (the `facts-v3` marker in DoraStore), which fills the new columns.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dora_deployment_facts', table => {
    table.boolean('repeat_rollout').notNullable().defaultTo(false);
    table.boolean('release_failure').notNullable().defaultTo(false);
    table.boolean('repaired_by_fix').notNullable().defaultTo(false);
  });
  for (const name of ['dora_daily_rollups', 'dora_weekly_rollups']) {
    await knex.schema.alterTable(name, table => {
      for (const column of [
        'releases',
        'release_rework',
        'release_failures',
        'repaired_by_fix',
      ]) {
        table.integer(column).notNullable().defaultTo(0);
      }
    });
  }
  // Failed rollouts are few: a partial index keeps counting them off the million successes.
  await knex.raw(
    "create index dora_deployments_failed_idx on dora_deployments (finished_at) where status = 'failure'",
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index if exists dora_deployments_failed_idx');
  for (const name of ['dora_daily_rollups', 'dora_weekly_rollups']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumns(
        'releases',
        'release_rework',
        'release_failures',
        'repaired_by_fix',
      );
    });
  }
  await knex.schema.alterTable('dora_deployment_facts', table => {
    table.dropColumns('repeat_rollout', 'release_failure', 'repaired_by_fix');
  });
};
