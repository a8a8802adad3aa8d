import { formatHours, formatShare, meetsTarget } from './format';

describe('format', () => {
  it('formats shares, hours and targets', () => {
    expect(formatShare(0.806)).toBe('81%');
    expect(formatShare(null)).toBe('–');
    expect(formatHours(0.5)).toBe('30 min');
    expect(formatHours(30)).toBe('30 h');
    expect(formatHours(72)).toBe('3 days');
    expect(meetsTarget(0.81, 0.8, 'atLeast')).toBe(true);
    expect(meetsTarget(30, 24, 'atMost')).toBe(false);
    expect(meetsTarget(null, 24, 'atMost')).toBeNull();
  });
});
