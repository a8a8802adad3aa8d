import { customRange, lastDaysQuery, utcDate } from './window';

const NOW = Date.parse('2026-11-22T09:30:00Z');

describe('customRange', () => {
  it('covers whole UTC days from the first to the last', () => {
    expect(customRange('2026-11-01', '2026-11-22', NOW)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
    });
    expect(customRange('2026-11-22', '2026-11-22', NOW)).toEqual({
      from: '2026-11-22T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
    });
    expect(utcDate(NOW)).toBe('2026-11-22');
  });

  it.each([
    ['', '2026-11-02', 'Pick both'],
    ['2026-11-05', '2026-11-02', 'on or before the end date'],
    ['2026-11-01', '2026-11-23', 'cannot be in the future'],
    ['2025-01-01', '2026-11-01', 'at most 400 days'],
    ['2026-13-45', '2026-11-01', 'Pick both'],
  ])('refuses %s to %s', (from, to, message) => {
    expect(customRange(from, to, NOW)).toEqual({
      error: expect.stringContaining(message),
    });
  });
});

describe('lastDaysQuery', () => {
  it("uses the backend's window where it has one and a range for 180 days", () => {
    expect(lastDaysQuery(30, NOW)).toEqual({ windowDays: 30 });
    expect(lastDaysQuery(180, NOW)).toEqual({
      from: '2026-05-26T09:30:00.000Z',
      to: '2026-11-22T09:30:00.000Z',
    });
  });

  it('gives the same-length period before, for the change against it', () => {
    expect(lastDaysQuery(30, NOW, 1)).toEqual({
      from: '2026-09-23T09:30:00.000Z',
      to: '2026-10-23T09:30:00.000Z',
    });
  });
});
