import { DAY_MS, HOUR_MS } from './model';
import { resolveWindow, weeksOf } from './windows';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

describe('resolveWindow', () => {
  it('resolves the fixed windows and a custom range', () => {
    expect(resolveWindow({ window: '7' }, NOW)).toEqual({
      from: NOW - 7 * DAY_MS,
      to: NOW,
    });
    expect(resolveWindow({}, NOW).from).toBe(NOW - 30 * DAY_MS);
    expect(
      resolveWindow(
        { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' },
        NOW,
      ),
    ).toEqual({
      from: Date.parse('2026-10-01T00:00:00Z'),
      to: Date.parse('2026-11-01T00:00:00Z'),
    });
  });

  it('ends a range that reaches into today at now', () => {
    expect(
      resolveWindow(
        { from: iso(NOW - 3 * DAY_MS), to: iso(NOW + 6 * HOUR_MS) },
        NOW,
      ),
    ).toEqual({ from: NOW - 3 * DAY_MS, to: NOW });
  });

  it.each([
    [
      { from: iso(NOW - DAY_MS), to: iso(NOW - 2 * DAY_MS) },
      'to: must be after from',
    ],
    [
      { from: '1999-01-01T00:00:00Z', to: iso(NOW) },
      'from: must not be before 2005',
    ],
    [
      { from: iso(NOW + HOUR_MS), to: iso(NOW + 2 * HOUR_MS) },
      'from: must be in the past',
    ],
    [
      { from: iso(NOW - DAY_MS), to: iso(NOW + 3 * DAY_MS) },
      'to: must not be more than a day in the future',
    ],
    [
      { from: iso(NOW - 500 * DAY_MS), to: iso(NOW) },
      'to: the range must not exceed 400 days, got 500 days',
    ],
  ])('rejects %j', (request, message) => {
    expect(() => resolveWindow(request, NOW)).toThrow(message);
  });

  it('splits a window into Monday-based weeks clipped to it', () => {
    const weeks = weeksOf({
      from: Date.parse('2026-11-04T00:00:00Z'),
      to: Date.parse('2026-11-18T00:00:00Z'),
    });
    expect(weeks.map(w => iso(w.from))).toEqual([
      '2026-11-04T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
    ]);
  });
});
