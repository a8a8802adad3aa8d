import { DoraMetricResult, DoraMetricSet } from '@internal/plugin-dora-common';
import { breakdownToCsv } from './csv';

function metric(
  value: number | null,
  unit: DoraMetricResult['unit'],
): DoraMetricResult {
  return {
    metric: 'deploymentFrequency',
    value,
    unit,
    definition: '',
    numerator: { label: 'n', value: 0 },
    denominator: { label: 'd', value: 0 },
    eventCount: 0,
    band: value === null ? null : 'high',
    warnings: [],
    details: {},
  };
}

const metrics: DoraMetricSet = {
  deploymentFrequency: metric(1.5, 'deploymentsPerDay'),
  changeLeadTime: metric(20, 'hours'),
  changeFailureRate: metric(0.1, 'ratio'),
  failedDeploymentRecoveryTime: metric(null, 'hours'),
  deploymentReworkRate: metric(0, 'ratio'),
};

describe('csv', () => {
  it('writes one row per breakdown entry with value, unit and band per metric', () => {
    const csv = breakdownToCsv([
      { scope: 'team', ref: 'group:default/payments', metrics },
      { scope: 'service', ref: '=cmd|calc', metrics },
    ]);
    const [header, row, hostile] = csv.trimEnd().split('\r\n');
    // Refs come from the catalog and the ingest API: a formula is defused.
    expect(hostile.startsWith("service,'=cmd|calc,")).toBe(true);
    expect(header.split(',').slice(0, 5)).toEqual([
      'scope',
      'ref',
      'deploymentFrequency',
      'deploymentFrequencyUnit',
      'deploymentFrequencyBand',
    ]);
    expect(row).toBe(
      'team,group:default/payments,1.5,deploymentsPerDay,high,20,hours,high,0.1,ratio,high,,hours,,0,ratio,high',
    );
  });
});
