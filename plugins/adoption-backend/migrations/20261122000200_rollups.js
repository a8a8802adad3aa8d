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
  // Successful runs' durations per week (Mondays, UTC) and template, in the histogram buckets of
  // durationBucketSeconds (exact below 64 s, 32 per doubling above: at most 3.1% low).
  await knex.schema.createTable('adoption_run_duration_weeks', table => {
    table.bigInteger('week').notNullable();
    table.string('template_ref', 512).notNullable();
    table.bigInteger('seconds').notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['week', 'template_ref', 'seconds']);
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
    // coalesce(requested_at, occurred_at), stored so a window's requests are an index range.
    table.bigInteger('request_at').nullable();
    table.index(
      ['type', 'history_run', 'occurred_at'],
      'adoption_events_event_only_idx',
    );
    table.index(['request_at'], 'adoption_events_request_at_idx');
    table.index(['type', 'entity_ref'], 'adoption_events_provenance_idx');
  });
  await knex.schema.alterTable('adoption_template_runs', table => {
    table.index(
      ['status', 'created_at'],
      'adoption_template_runs_status_created_idx',
    );
  });

  const WEEK = 7 * DAY;
  const FIRST_MONDAY = 4 * DAY;
  const day = (/** @type {string} */ column) =>
    knex.raw(`(${column} / ${DAY}) * ${DAY}`);
  const week = (/** @type {string} */ column) =>
    knex.raw(
      `${FIRST_MONDAY} + ((${column} - ${FIRST_MONDAY}) / ${WEEK}) * ${WEEK}`,
    );
  await knex('adoption_events').update({
    request_at: knex.raw('coalesce(requested_at, occurred_at)'),
  });
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
        .select({ week: week('created_at') }, 'template_ref', {
          seconds: knex.raw(durationBucketSql('duration_ms / 1000')),
        })
        .count({ count: '*' })
        .where('status', 'completed')
        .whereNotNull('duration_ms')
        .groupByRaw('1, 2, 3'),
    )
    .into(
      knex.raw(
        'adoption_run_duration_weeks (week, template_ref, seconds, count)',
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

/**
 * durationBucketSeconds in SQL (integer division on both databases); a copy, as migrations are
 * frozen once released.
 *
 * @param {string} seconds
 */
function durationBucketSql(seconds) {
  const cases = [`when ${seconds} < 64 then ${seconds}`];
  for (let k = 1; k <= 40; k++) {
    const step = 2 ** k;
    cases.push(
      `when ${seconds} < ${64 * step} then (${seconds} / ${step}) * ${step}`,
    );
  }
  return `(case ${cases.join(' ')} else ${seconds} end)`;
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('adoption_template_runs', table => {
    table.dropIndex([], 'adoption_template_runs_status_created_idx');
  });
  await knex.schema.alterTable('adoption_events', table => {
    table.dropIndex([], 'adoption_events_event_only_idx');
    table.dropIndex([], 'adoption_events_request_at_idx');
    table.dropIndex([], 'adoption_events_provenance_idx');
    table.dropColumn('history_run');
    table.dropColumn('request_at');
  });
  for (const table of [
    'adoption_request_ready_days',
    'adoption_request_days',
    'adoption_run_duration_weeks',
    'adoption_run_days',
  ]) {
    await knex.schema.dropTable(table);
  }
};
