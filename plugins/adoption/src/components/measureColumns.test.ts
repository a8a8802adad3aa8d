import { toCsv } from '@internal/plugin-leadership-common';
import * as columns from './measureColumns';
import { csvColumns } from './MeasureTable';

interface Row {
  team: string;
  components: number;
  coverage: number | null;
  p50Hours: number | null;
  p50DurationMs: number | null;
  lastAt: string;
}

const payments: Row = {
  team: 'group:default/payments',
  components: 3,
  coverage: 2 / 3,
  p50Hours: 30.04,
  p50DurationMs: 95_000,
  lastAt: '2026-11-20T10:00:59.123Z',
};
const search: Row = {
  team: 'group:default/search',
  components: 0,
  coverage: null,
  p50Hours: null,
  p50DurationMs: null,
  lastAt: '2026-11-21T23:59:00.000Z',
};

describe('measure columns', () => {
  it('shows a share as a percentage and exports the fraction to three decimals', () => {
    const column = columns.shareColumn<Row>('Coverage', r => r.coverage);
    expect(column.numeric).toBe(true);
    expect(column.value(payments)).toBe(0.667);
    expect(column.render?.(payments)).toBe('67%');
    expect(column.value(search)).toBeNull();
    expect(column.render?.(search)).toBe('–');
  });

  it('shows hours in the unit that reads best and exports hours to one decimal', () => {
    const column = columns.hoursColumn<Row>('p50', r => r.p50Hours);
    // The shown figure carries its unit (min, h, days); only the CSV's column is in hours.
    expect(column.title).toBe('p50');
    expect(column.csvTitle).toBe('p50 (hours)');
    expect(column.numeric).toBe(true);
    expect(column.value(payments)).toBe(30);
    expect(column.render?.(payments)).toBe('30 h');
    expect(column.value({ ...payments, p50Hours: 0.25 })).toBe(0.3);
    expect(column.render?.({ ...payments, p50Hours: 0.25 })).toBe('15 min');
    expect(column.render?.({ ...payments, p50Hours: 72 })).toBe('3 days');
    expect(column.value(search)).toBeNull();
    expect(column.render?.(search)).toBe('–');
  });

  it('shows durations in seconds or minutes and exports the milliseconds', () => {
    const column = columns.durationColumn<Row>(
      'p50 duration (ms)',
      r => r.p50DurationMs,
    );
    expect(column.value(payments)).toBe(95_000);
    expect(column.render?.(payments)).toBe('1.6 min');
    expect(column.render?.({ ...payments, p50DurationMs: 42_000 })).toBe(
      '42 s',
    );
    expect(column.value(search)).toBeNull();
    expect(column.render?.(search)).toBe('–');
  });

  it('shows counts and names as they are', () => {
    const count = columns.countColumn<Row>('Components', r => r.components);
    const text = columns.textColumn<Row>('Team', r => r.team);
    expect(count).toMatchObject({ title: 'Components', numeric: true });
    expect(count.value(search)).toBe(0);
    expect(count.render).toBeUndefined();
    expect(text.numeric).toBeUndefined();
    expect(text.value(payments)).toBe('group:default/payments');
  });

  it('shows timestamps to the minute', () => {
    const column = columns.timestampColumn<Row>('Last', r => r.lastAt);
    expect(column.value(payments)).toBe('2026-11-20 10:00');
  });

  it('exports what the columns define, with empty fields for missing figures', () => {
    const csv = toCsv(
      [payments, search],
      csvColumns([
        columns.textColumn<Row>('Team', r => r.team),
        columns.countColumn<Row>('Components', r => r.components),
        columns.shareColumn<Row>('Coverage', r => r.coverage),
        columns.hoursColumn<Row>('p50', r => r.p50Hours),
        columns.timestampColumn<Row>('Last', r => r.lastAt),
      ]),
    );
    expect(csv).toBe(
      'Team,Components,Coverage,p50 (hours),Last\r\n' +
        'group:default/payments,3,0.667,30,2026-11-20 10:00\r\n' +
        'group:default/search,0,,,2026-11-21 23:59\r\n',
    );
  });

  it('links a team ref and shows rows without an owner as they are', () => {
    const column = columns.entityColumn<Row>('Team', r => r.team);
    expect(column.value(payments)).toBe('group:default/payments');
    expect(column.render?.({ ...payments, team: 'unowned' })).toBe('unowned');
    expect(column.render?.({ ...payments, team: 'all' })).toBe('All teams');
    expect(column.render?.(payments)).not.toBe('group:default/payments');
  });
});
