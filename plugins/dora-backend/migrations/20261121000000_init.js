// @ts-check

/**
 * DORA event tables. Times are epoch milliseconds (bigint) so SQLite and PostgreSQL compare and
 * order them identically. Every table is keyed by (source, external_id): redelivered events upsert.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  /** @param {import('knex').Knex.CreateTableBuilder} table */
  const serviceColumns = table => {
    table.string('source', 64).notNullable();
    table.string('external_id', 512).notNullable();
    table.string('service_key_type', 16).notNullable();
    table.string('service_key', 256).notNullable();
    table
      .string('entity_ref', 512)
      .nullable()
      .comment('catalog component, null while unmapped');
    table.bigInteger('received_at').notNullable();
    table.unique(['source', 'external_id']);
    table.index(['service_key_type', 'service_key']);
  };

  await knex.schema.createTable('dora_deployments', table => {
    table.bigIncrements('id');
    serviceColumns(table);
    table.string('environment', 256).notNullable();
    table.string('stream', 256).notNullable();
    table.boolean('production').notNullable();
    table.string('status', 16).notNullable();
    table.integer('status_rank').notNullable();
    table.string('kind', 16).notNullable();
    table.string('version', 256).nullable();
    table.string('commit_sha', 64).nullable();
    table
      .text('commits')
      .nullable()
      .comment('JSON array of SHAs, null when not reported');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('finished_at').nullable();
    table.index(['entity_ref', 'finished_at']);
    table.index(['finished_at']);
  });

  await knex.schema.createTable('dora_changes', table => {
    table.bigIncrements('id');
    serviceColumns(table);
    table.string('sha', 64).notNullable();
    table.bigInteger('authored_at').nullable();
    table.bigInteger('committed_at').notNullable();
    table.integer('pr_number').nullable();
    table.string('pr_url', 2048).nullable();
    table.index(['entity_ref', 'committed_at']);
    table.index(['committed_at']);
  });

  await knex.schema.createTable('dora_incidents', table => {
    table.bigIncrements('id');
    serviceColumns(table);
    table.string('title', 1024).nullable();
    table.string('severity', 64).nullable();
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('resolved_at').nullable();
    table.string('cause_deployment_id', 512).nullable();
    table.string('cause_commit_sha', 64).nullable();
    table.index(['entity_ref', 'opened_at']);
    table.index(['opened_at']);
  });

  await knex.schema.createTable('dora_rollbacks', table => {
    table.bigIncrements('id');
    serviceColumns(table);
    table.string('environment', 256).notNullable();
    table.string('stream', 256).notNullable();
    table.string('rolled_back_deployment_id', 512).notNullable();
    table.string('rollback_deployment_id', 512).nullable();
    table.bigInteger('at').notNullable();
    table.index(['entity_ref', 'at']);
  });

  // One-off markers such as "demo data seeded", claimed by insert so only one replica wins.
  await knex.schema.createTable('dora_markers', table => {
    table.string('name', 128).primary();
    table.bigInteger('created_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'dora_markers',
    'dora_rollbacks',
    'dora_incidents',
    'dora_changes',
    'dora_deployments',
  ]) {
    await knex.schema.dropTable(table);
  }
};
