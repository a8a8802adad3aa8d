// @ts-check

/**
 * Daily rollups of template runs and portal requests, maintained in the same transaction as the
 * raw rows (see AdoptionStore), so a summary sums a few thousand rollup rows instead of scanning
 * every run and event of the window. Backfilled here from the raw rows.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const DAY = 86400000;
  await knex.schema.createTable('adoption_run_days', table => {
    table.bigInteger('day').notNullable();
    table.string('template_ref', 512).notNullable();
    table.string('status', 16).notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['day', 'template_ref', 'status']);
  });
  // Successful runs' durations in whole seconds (exact, not sampled).
  await knex.schema.createTable('adoption_run_duration_days', table => {
    table.bigInteger('day').notNullable();
    table.string('template_ref', 512).notNullable();
    table.bigInteger('seconds').notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['day', 'template_ref', 'seconds']);
  });
  // Portal requests per day (of the request) and team, and whole minutes to Ready.
  await knex.schema.createTable('adoption_request_days', table => {
    table.bigInteger('day').notNullable();
    table.string('team', 512).notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['day', 'team']);
  });
  await knex.schema.createTable('adoption_request_ready_days', table => {
    table.bigInteger('day').notNullable();
    table.bigInteger('minutes').notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['day', 'minutes']);
  });
  // Whether the collected task history holds a template-run event's task: event-only runs are
  // then an indexed lookup instead of an anti-join over every event of the window.
  await knex.schema.alterTable('adoption_events', table => {
    table.boolean('history_run').notNullable().defaultTo(false);
    table.index(
      ['type', 'history_run', 'occurred_at'],
      'adoption_events_event_only_idx',
    );
  });
  await knex.schema.alterTable('adoption_template_runs', table => {
    table.index(
      ['status', 'created_at'],
      'adoption_template_runs_status_created_idx',
    );
  });

  const day = (/** @type {string} */ column) =>
    knex.raw(`(${column} / ${DAY}) * ${DAY}`);
  await knex
    .insert(
      knex('adoption_template_runs')
        .select({ day: day('created_at') }, 'template_ref', 'status')
        .count({ count: '*' })
        .groupByRaw('1, 2, 3'),
    )
    .into(knex.raw('adoption_run_days (day, template_ref, status, count)'));
  await knex
    .insert(
      knex('adoption_template_runs')
        .select({ day: day('created_at') }, 'template_ref', {
          seconds: knex.raw('duration_ms / 1000'),
        })
        .count({ count: '*' })
        .where('status', 'completed')
        .whereNotNull('duration_ms')
        .groupByRaw('1, 2, 3'),
    )
    .into(
      knex.raw(
        'adoption_run_duration_days (day, template_ref, seconds, count)',
      ),
    );
  const requested = 'coalesce(requested_at, occurred_at)';
  const ready = `coalesce(ready_at, ${requested} + duration_ms, case when status = 'completed' then occurred_at end)`;
  const requests = () =>
    knex('adoption_events').where(q =>
      q
        .where('type', 'self-service')
        .orWhere(t =>
          t
            .where('type', 'template-run')
            .where(s => s.whereNull('status').orWhereNot('status', 'failed')),
        ),
    );
  await knex
    .insert(
      requests()
        .select({
          day: day(requested),
          team: knex.raw(`coalesce(owner, 'unowned')`),
        })
        .count({ count: '*' })
        .groupByRaw('1, 2'),
    )
    .into(knex.raw('adoption_request_days (day, team, count)'));
  await knex
    .insert(
      requests()
        .select({
          day: day(requested),
          minutes: knex.raw(`(${ready} - ${requested}) / 60000`),
        })
        .count({ count: '*' })
        .whereRaw(`${ready} is not null`)
        .groupByRaw('1, 2'),
    )
    .into(knex.raw('adoption_request_ready_days (day, minutes, count)'));
  await knex('adoption_events')
    .where('type', 'template-run')
    .whereExists(
      knex('adoption_template_runs')
        .select(knex.raw('1'))
        .whereRaw('adoption_template_runs.task_id = adoption_events.task_id'),
    )
    .update({ history_run: true });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('adoption_template_runs', table => {
    table.dropIndex([], 'adoption_template_runs_status_created_idx');
  });
  await knex.schema.alterTable('adoption_events', table => {
    table.dropIndex([], 'adoption_events_event_only_idx');
    table.dropColumn('history_run');
  });
  for (const table of [
    'adoption_request_ready_days',
    'adoption_request_days',
    'adoption_run_duration_days',
    'adoption_run_days',
  ]) {
    await knex.schema.dropTable(table);
  }
};
