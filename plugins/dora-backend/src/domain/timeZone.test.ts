import { isTimeZone, nextStartOfDay, startOfDay } from './timeZone';

describe('reporting time zone days', () => {
  it('finds local midnights, across daylight saving changes', () => {
    // Paris is UTC+1 in winter, UTC+2 from 2025-03-30 02:00 local.
    expect(
      new Date(
        startOfDay(Date.parse('2025-03-30T12:00:00Z'), 'Europe/Paris'),
      ).toISOString(),
    ).toBe('2025-03-29T23:00:00.000Z');
    expect(
      new Date(
        nextStartOfDay(Date.parse('2025-03-30T12:00:00Z'), 'Europe/Paris'),
      ).toISOString(),
    ).toBe('2025-03-30T22:00:00.000Z');
    expect(
      new Date(
        startOfDay(Date.parse('2025-06-01T02:00:00Z'), 'America/New_York'),
      ).toISOString(),
    ).toBe('2025-05-31T04:00:00.000Z');
    const midnight = Date.parse('2025-06-01T00:00:00Z');
    expect(startOfDay(midnight, 'UTC')).toBe(midnight);
    expect(nextStartOfDay(midnight, 'UTC')).toBe(midnight);
    expect(nextStartOfDay(midnight + 1, 'UTC')).toBe(midnight + 86_400_000);
  });

  it('knows IANA zones only', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
