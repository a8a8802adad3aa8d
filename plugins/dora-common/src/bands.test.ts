import {
  classifyDeploymentFrequency,
  classifyDoraBand,
  DORA_BAND_TABLES,
} from './bands';

describe('band tables', () => {
  it('keeps the 2024 failure rates as printed, high and medium inverted', () => {
    const cfr = DORA_BAND_TABLES['2024'].cells.changeFailureRate;
    expect([
      cfr.elite.printed,
      cfr.high.printed,
      cfr.medium.printed,
      cfr.low.printed,
    ]).toEqual(['5%', '20%', '10%', '40%']);
    expect(DORA_BAND_TABLES['2023'].cells.changeFailureRate.low.printed).toBe(
      '64%',
    );
  });

  it('classifies deployment frequency on deployment days, not deployments per day', () => {
    const days = (week: number, month: number, perDay: number) => ({
      medianDeploymentDaysPerWeek: week,
      medianDeploymentDaysPerMonth: month,
      deploymentsPerDeploymentDay: perDay,
    });
    expect(classifyDeploymentFrequency(days(5, 20, 3))).toBe('elite');
    // Every day, once a day: daily, which the reports call high, not on demand.
    expect(classifyDeploymentFrequency(days(7, 30, 1))).toBe('high');
    expect(classifyDeploymentFrequency(days(1, 4, 1))).toBe('high');
    // Thirty deployments on one afternoon: the median week has none, the month has one.
    expect(classifyDeploymentFrequency(days(0, 1, 30))).toBe('medium');
    expect(classifyDeploymentFrequency(days(0, 0, 1))).toBe('low');
    expect(classifyDeploymentFrequency(null)).toBeNull();
  });

  it('classifies lead time and recovery time in hours', () => {
    expect(classifyDoraBand('changeLeadTime', 23.9, '2023')).toBe('elite');
    expect(classifyDoraBand('changeLeadTime', 24, '2023')).toBe('high');
    expect(classifyDoraBand('changeLeadTime', 168, '2023')).toBe('high');
    expect(classifyDoraBand('changeLeadTime', 300, '2023')).toBe('medium');
    expect(classifyDoraBand('changeLeadTime', 2000, '2024')).toBe('low');
    expect(classifyDoraBand('failedDeploymentRecoveryTime', 0.5, '2024')).toBe(
      'elite',
    );
    expect(classifyDoraBand('failedDeploymentRecoveryTime', 5, '2024')).toBe(
      'high',
    );
    expect(classifyDoraBand('failedDeploymentRecoveryTime', 48, '2023')).toBe(
      'medium',
    );
    expect(classifyDoraBand('failedDeploymentRecoveryTime', 48, '2024')).toBe(
      'low',
    );
  });

  it('classifies 2023 failure rates by the nearest published rate and gives no 2024 band', () => {
    // The 2024 rates as printed are not monotonic (5, 20, 10, 40 %): no band.
    expect(classifyDoraBand('changeFailureRate', 0.04, '2024')).toBeNull();
    expect(classifyDoraBand('changeFailureRate', 0.08, '2024')).toBeNull();
    expect(classifyDoraBand('changeFailureRate', 0.1, '2023')).toBe('high');
    expect(classifyDoraBand('changeFailureRate', 0.15, '2023')).toBe('medium');
    expect(classifyDoraBand('changeFailureRate', 0.5, '2023')).toBe('low');
  });
});
