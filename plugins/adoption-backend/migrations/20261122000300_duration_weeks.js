// @ts-check

/**
 * Run durations per week in histogram buckets instead of per day and whole second (at the
 * benchmark volume the daily table held almost a row per run), and request_at, so the partial
 * days at a window's edges read portal requests by an index range.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const DAY = 86400000;
  const WEEK = 7 * DAY;
  const FIRST_MONDAY = 4 * DAY;
  await knex.schema.dropTable('adoption_run_duration_days');
  // Successful runs' durations per week (Mondays, UTC) and template, in the histogram buckets of
  // durationBucketSeconds (exact below 64 s, 32 per doubling above: at most 3.1% low).
  await knex.schema.createTable('adoption_run_duration_weeks', table => {
    table.bigInteger('week').notNullable();
    table.string('template_ref', 512).notNullable();
    table.bigInteger('seconds').notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['week', 'template_ref', 'seconds']);
  });
  await knex.schema.alterTable('adoption_events', table => {
    // coalesce(requested_at, occurred_at), stored so a window's requests are an index range.
    table.bigInteger('request_at').nullable();
    table.index(['request_at'], 'adoption_events_request_at_idx');
    table.index(['type', 'entity_ref'], 'adoption_events_provenance_idx');
  });
  await knex('adoption_events').update({
    request_at: knex.raw('coalesce(requested_at, occurred_at)'),
  });
  await knex
    .insert(
      knex('adoption_template_runs')
        .select(
          {
            week: knex.raw(
              `${FIRST_MONDAY} + ((created_at - ${FIRST_MONDAY}) / ${WEEK}) * ${WEEK}`,
            ),
          },
          'template_ref',
          { seconds: knex.raw(durationBucketSql('duration_ms / 1000')) },
        )
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
  await knex.schema.alterTable('adoption_events', table => {
    table.dropIndex([], 'adoption_events_request_at_idx');
    table.dropIndex([], 'adoption_events_provenance_idx');
    table.dropColumn('request_at');
  });
  await knex.schema.dropTable('adoption_run_duration_weeks');
  await knex.schema.createTable('adoption_run_duration_days', table => {
    table.bigInteger('day').notNullable();
    table.string('template_ref', 512).notNullable();
    table.bigInteger('seconds').notNullable();
    table.bigInteger('count').notNullable();
    table.primary(['day', 'template_ref', 'seconds']);
  });
};
