// @ts-check

/**
 * Issue 16: bulk backfill (`POST /backfill`). A job row says how much of a backfill is stored
 * (a prefix of its lines: each chunk and the job's counters commit together) and whether its
 * facts are derived; `dora_backfill_services` lists the services a job stored events for and has
 * not derived yet, written in the same transaction as the events, so a backfill cut short (client
 * gone, replica stopped) still gets its facts derived later by whoever finds the marks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_backfill_jobs', table => {
    table.string('id', 64).primary();
    table.string('source', 255).notNullable();
    // receiving, deriving, completed, failed (a bad line), interrupted (the stream broke off)
    table.string('status', 16).notNullable();
    table.integer('lines').notNullable().defaultTo(0);
    table.integer('events').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.index(['status', 'updated_at'], 'dora_backfill_jobs_status_idx');
  });
  await knex.schema.createTable('dora_backfill_services', table => {
    table.string('job_id', 64).notNullable();
    table.string('service', 512).notNullable();
    table.primary(['job_id', 'service']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_backfill_services');
  await knex.schema.dropTable('dora_backfill_jobs');
};
