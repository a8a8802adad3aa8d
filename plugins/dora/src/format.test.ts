import { formatMetricValue, formatWorking } from './format';

describe('formatMetricValue', () => {
  it.each([
    [{ value: 3.25, unit: 'deploymentsPerDay' as const }, '3.3 / day'],
    [{ value: 0.5, unit: 'deploymentsPerDay' as const }, '3.5 / week'],
    [{ value: 0.25, unit: 'hours' as const }, '15 min'],
    [{ value: 20, unit: 'hours' as const }, '20.0 h'],
    [{ value: 72, unit: 'hours' as const }, '3.0 days'],
    [{ value: 0.125, unit: 'ratio' as const }, '12.5 %'],
    [{ value: null, unit: 'ratio' as const }, '—'],
  ])('formats %j as %s', (result, expected) => {
    expect(formatMetricValue(result)).toBe(expected);
  });
});

describe('formatWorking', () => {
  it('rounds fractional counts such as median hours to two decimals', () => {
    expect(
      formatWorking({
        metric: 'changeLeadTime',
        value: 35.45,
        unit: 'hours',
        definition: '',
        numerator: { label: 'median hours', value: 35.453281666 },
        denominator: { label: 'commits', value: 52 },
        eventCount: 78,
        band: 'high',
        warnings: [],
        details: {},
      }),
    ).toBe('median hours: 35.45 · commits: 52');
  });
});
