import { csvField, toCsv } from './csv';
import { formatHours, formatShare, meetsTarget } from './format';

describe('csv', () => {
  it('quotes separators and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(null)).toBe('');
  });

  it('writes a header and one line per row', () => {
    expect(
      toCsv(
        [{ team: 'group:default/payments', share: 0.5 }],
        [
          { title: 'Team', value: r => r.team },
          { title: 'Share', value: r => r.share },
        ],
      ),
    ).toBe('Team,Share\r\ngroup:default/payments,0.5\r\n');
  });
});

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
