// @ts-check

/**
 * Issue 16, 11: an incident naming a commit is attributed to the first production deployment that
 * shipped it, whenever either arrives. Deriving a deployment looks up the incidents naming the
 * commits it ships through this index, whatever their age, instead of reading incidents by time.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    'create index dora_incidents_cause_commit_idx on dora_incidents (cause_commit_sha) where cause_commit_sha is not null',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index if exists dora_incidents_cause_commit_idx');
};
