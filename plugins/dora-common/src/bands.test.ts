import { classifyDoraBand, DORA_BAND_TABLES } from './bands';

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

  it('classifies deployment frequency by deployments per day', () => {
    expect(classifyDoraBand('deploymentFrequency', 3, '2024')).toBe('elite');
    expect(classifyDoraBand('deploymentFrequency', 1, '2024')).toBe('elite');
    expect(classifyDoraBand('deploymentFrequency', 0.5, '2024')).toBe('high');
    expect(classifyDoraBand('deploymentFrequency', 1 / 7, '2024')).toBe('high');
    expect(classifyDoraBand('deploymentFrequency', 0.05, '2024')).toBe(
      'medium',
    );
    expect(classifyDoraBand('deploymentFrequency', 0.01, '2023')).toBe('low');
    expect(classifyDoraBand('deploymentFrequency', null, '2023')).toBeNull();
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

  it('classifies failure rates by the nearest published rate, so 2024 inverts high and medium', () => {
    expect(classifyDoraBand('changeFailureRate', 0.04, '2024')).toBe('elite');
    expect(classifyDoraBand('changeFailureRate', 0.1, '2024')).toBe('medium');
    expect(classifyDoraBand('changeFailureRate', 0.2, '2024')).toBe('high');
    expect(classifyDoraBand('changeFailureRate', 0.5, '2024')).toBe('low');
    expect(classifyDoraBand('changeFailureRate', 0.1, '2023')).toBe('high');
    expect(classifyDoraBand('changeFailureRate', 0.15, '2023')).toBe('medium');
    expect(classifyDoraBand('changeFailureRate', 0.5, '2023')).toBe('low');
  });
});
