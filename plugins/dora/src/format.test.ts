import { formatMetricValue } from './format';

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
