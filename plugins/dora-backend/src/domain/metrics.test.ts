import { analyse } from './analysis';
import { computeMetricSet, computeTrend, MetricOptions } from './metrics';
import { Change, DAY_MS, Deployment, EventSet, HOUR_MS } from './model';
import { scopeEvents } from './scope';

const T0 = Date.parse('2025-03-03T00:00:00Z'); // a Monday
const at = (day: number, hour = 0) => T0 + day * DAY_MS + hour * HOUR_MS;
const week = { from: T0, to: T0 + 7 * DAY_MS };
const options: MetricOptions = { bandYear: '2024', fallbackWindowHours: 24 };
const FALLBACK_MS = 24 * HOUR_MS;

function deployment(
  partial: Partial<Deployment> & Pick<Deployment, 'id'>,
): Deployment {
  return {
    service: 'svc',
    stream: 'production',
    production: true,
    status: 'success',
    kind: 'regular',
    startedAt: 0,
    finishedAt: 0,
    ...partial,
  };
}
const change = (sha: string, committedAt: number, service = 'svc'): Change => ({
  service,
  sha,
  committedAt,
});

/**
 * Service `svc`, one stream. Hand-computed:
 * - d1 (head c2, no commit list) infers c1 + c2: lead times 12 h and 6 h
 * - d2 failed: not a deployment; staging: not production
 * - d3 reports [c3, c4]: lead times 28 h and 4 h -> median of [4, 6, 12, 28] = 9 h
 * - i1 has no link, opens 2 h after d3 -> fallback failure, recovered 5 h after d3 finished
 * - i2 has no link and the last deployment is 4 days older than the fallback window -> unlinked
 */
const single: EventSet = {
  changes: [
    change('c1', at(0, 0)),
    change('c2', at(0, 6)),
    change('c3', at(1, 0)),
    change('c4', at(2, 0)),
  ],
  deployments: [
    deployment({ id: 'd1', commitSha: 'c2', finishedAt: at(0, 12) }),
    deployment({
      id: 'd2',
      commitSha: 'c3',
      status: 'failure',
      finishedAt: at(1, 2),
    }),
    deployment({
      id: 'd3',
      commitSha: 'c4',
      commits: ['c3', 'c4'],
      finishedAt: at(2, 4),
    }),
    deployment({
      id: 's1',
      commitSha: 'c1',
      production: false,
      stream: 'staging',
      finishedAt: at(0, 1),
    }),
    // A late, duplicated in-progress report of d1 must not undo its success.
    deployment({
      id: 'd1',
      commitSha: 'c2',
      status: 'in_progress',
      finishedAt: null,
    }),
  ],
  incidents: [
    { id: 'i1', service: 'svc', openedAt: at(2, 6), resolvedAt: at(2, 9) },
    { id: 'i2', service: 'svc', openedAt: at(6, 0), resolvedAt: at(6, 1) },
  ],
  rollbacks: [],
};

/**
 * Service `api`, streams production/eu and production/us. Hand-computed:
 * - e2 (us) caused k1 explicitly by deployment id: failure, recovery 11:00 -> 15:00 = 4 h
 * - e1 (eu) caused k2 by commit SHA, k2 never resolved, but e4 (a rollback deployment in eu)
 *   finished day 1 12:00: recovery day 0 10:00 -> day 1 12:00 = 26 h
 * - e3 (eu) was rolled back by e4: recovery 10:00 -> 12:00 = 2 h
 * - 3 of 5 deployments failed (0.6), e4 is rework (0.2), recovery median of [2, 4, 26] = 4 h
 */
const streams: EventSet = {
  changes: [change('aaa1111', at(0, 8), 'api')],
  deployments: [
    deployment({
      id: 'e1',
      service: 'api',
      stream: 'production/eu',
      commitSha: 'aaa1111',
      finishedAt: at(0, 10),
    }),
    deployment({
      id: 'e2',
      service: 'api',
      stream: 'production/us',
      finishedAt: at(0, 11),
    }),
    deployment({
      id: 'e3',
      service: 'api',
      stream: 'production/eu',
      finishedAt: at(1, 10),
    }),
    deployment({
      id: 'e4',
      service: 'api',
      stream: 'production/eu',
      kind: 'rollback',
      finishedAt: at(1, 12),
    }),
    deployment({
      id: 'u2',
      service: 'api',
      stream: 'production/us',
      finishedAt: at(3, 10),
    }),
  ],
  incidents: [
    {
      id: 'k1',
      service: 'api',
      openedAt: at(0, 13),
      resolvedAt: at(0, 15),
      causeDeploymentId: 'e2',
    },
    {
      id: 'k2',
      service: 'api',
      openedAt: at(0, 20),
      resolvedAt: null,
      causeCommitSha: 'aaa1111',
    },
    // Redelivered.
    {
      id: 'k1',
      service: 'api',
      openedAt: at(0, 13),
      resolvedAt: at(0, 15),
      causeDeploymentId: 'e2',
    },
  ],
  rollbacks: [
    {
      id: 'r1',
      service: 'api',
      rolledBackDeploymentId: 'e3',
      rollbackDeploymentId: 'e4',
      at: at(1, 11),
    },
    {
      id: 'r1',
      service: 'api',
      rolledBackDeploymentId: 'e3',
      rollbackDeploymentId: 'e4',
      at: at(1, 11),
    },
  ],
};

function compute(events: EventSet, window = week) {
  return computeMetricSet(analyse(events, FALLBACK_MS), window, options);
}

function reversed(events: EventSet): EventSet {
  return {
    deployments: [...events.deployments].reverse(),
    changes: [...events.changes].reverse(),
    incidents: [...events.incidents].reverse(),
    rollbacks: [...events.rollbacks].reverse(),
  };
}

describe('DORA metrics on hand-computed fixtures', () => {
  it('counts only successful production deployments', () => {
    const { deploymentFrequency } = compute(single);
    expect(deploymentFrequency.numerator.value).toBe(2);
    expect(deploymentFrequency.value).toBeCloseTo(2 / 7);
    expect(deploymentFrequency.details).toEqual({
      deploymentsPerWeek: 2,
      daysWithDeployment: 2,
      medianDeploymentDaysPerWeek: 2,
      medianDeploymentDaysPerMonth: 2,
      deploymentsPerDeploymentDay: 1,
      streamDeployments: 2,
      failedRollouts: 1, // d2
    });
    expect(deploymentFrequency.band).toBe('high');
  });

  it('takes the median lead time over every commit, inferring unlisted commits', () => {
    const { changeLeadTime } = compute(single);
    expect(changeLeadTime.value).toBe(9);
    expect(changeLeadTime.denominator.value).toBe(4);
    expect(changeLeadTime.band).toBe('elite');
    expect(changeLeadTime.warnings.map(w => w.code)).toContain(
      'commits-inferred',
    );
  });

  it('labels fallback incident links and leaves incidents beyond the window unlinked', () => {
    const { changeFailureRate, failedDeploymentRecoveryTime } = compute(single);
    expect(changeFailureRate.value).toBe(0.5);
    expect(changeFailureRate.details).toEqual({
      explicitlyLinked: 0,
      fallbackLinked: 1,
      rolledBack: 0,
      repairedByFix: 0,
    });
    expect(changeFailureRate.warnings.map(w => w.code).sort()).toEqual([
      'fallback-incident-links',
      'no-band-defined',
      'unlinked-incidents',
    ]);
    // A fallback link measures from the incident's opening (06:00) to its resolution (09:00).
    expect(failedDeploymentRecoveryTime.value).toBe(3);
  });

  it('does not fall back at all when the window is shorter than the gap', () => {
    const events = analyse(single, 1 * HOUR_MS);
    const set = computeMetricSet(events, week, {
      ...options,
      fallbackWindowHours: 1,
    });
    expect(set.changeFailureRate.value).toBe(0);
    expect(set.changeFailureRate.definition).toContain('at most 1 hours');
  });

  it('links incidents by deployment id and SHA, counts rollbacks and rework, per service', () => {
    const set = compute(streams);
    expect(set.changeFailureRate.value).toBe(0.6);
    expect(set.changeFailureRate.details).toEqual({
      explicitlyLinked: 3,
      fallbackLinked: 0,
      rolledBack: 1,
      repairedByFix: 0,
    });
    expect(set.failedDeploymentRecoveryTime.value).toBe(4);
    expect(set.failedDeploymentRecoveryTime.details).toEqual({
      recovered: 3,
      unrecovered: 0,
    });
    expect(set.deploymentReworkRate.value).toBe(0.2);
    expect(set.changeLeadTime.value).toBe(2);
  });

  it('computes each deploy stream on its own', () => {
    const eu = compute(scopeEvents(streams, new Set(['api']), 'production/eu'));
    expect(eu.deploymentFrequency.numerator.value).toBe(3);
    expect(eu.changeFailureRate.value).toBeCloseTo(2 / 3);
    expect(eu.deploymentReworkRate.value).toBeCloseTo(1 / 3);
    const us = compute(scopeEvents(streams, new Set(['api']), 'production/us'));
    expect(us.changeFailureRate.value).toBe(0.5);
    expect(us.failedDeploymentRecoveryTime.value).toBe(4);
  });

  it('rolls services up into one figure (organisation) without double counting', () => {
    const both: EventSet = {
      deployments: [...single.deployments, ...streams.deployments],
      changes: [...single.changes, ...streams.changes],
      incidents: [...single.incidents, ...streams.incidents],
      rollbacks: [...single.rollbacks, ...streams.rollbacks],
    };
    const set = compute(both);
    expect(set.deploymentFrequency.numerator.value).toBe(7);
    expect(set.changeFailureRate.value).toBeCloseTo(4 / 7);
    // Lead times [4, 6, 12, 28] and [2]: median 6.
    expect(set.changeLeadTime.value).toBe(6);
    // Recovery [3] (fallback: from the incident's opening) and [2, 4, 26]: median (3 + 4) / 2.
    expect(set.failedDeploymentRecoveryTime.value).toBe(3.5);
  });

  it('gives the same result for out-of-order and duplicated events', () => {
    expect(compute(reversed(single))).toEqual(compute(single));
    expect(compute(reversed(streams))).toEqual(compute(streams));
    const doubled: EventSet = {
      deployments: [...streams.deployments, ...reversed(streams).deployments],
      changes: [...streams.changes, ...streams.changes],
      incidents: [...streams.incidents, ...streams.incidents],
      rollbacks: [...streams.rollbacks, ...streams.rollbacks],
    };
    expect(compute(doubled)).toEqual(compute(streams));
  });

  it('counts a commit only at its first production deployment', () => {
    const events: EventSet = {
      changes: [change('c1', at(0))],
      deployments: [
        deployment({ id: 'a', commitSha: 'c1', finishedAt: at(0, 2) }),
        deployment({ id: 'b', commitSha: 'c1', finishedAt: at(3, 0) }),
      ],
      incidents: [],
      rollbacks: [],
    };
    const set = compute(events);
    expect(set.changeLeadTime.value).toBe(2);
    expect(set.changeLeadTime.denominator.value).toBe(1);
    expect(set.changeFailureRate.warnings.map(w => w.code)).toEqual([
      'no-incident-source',
      'no-band-defined',
    ]);
  });

  it('reports empty windows without inventing numbers', () => {
    const set = compute(single, { from: at(10), to: at(17) });
    expect(set.deploymentFrequency.value).toBe(0);
    expect(set.deploymentFrequency.warnings[0].code).toBe('no-deployments');
    expect(set.changeLeadTime.value).toBeNull();
    expect(set.changeFailureRate.value).toBeNull();
    expect(set.failedDeploymentRecoveryTime.value).toBeNull();
  });

  it('builds a weekly trend clipped to the window', () => {
    const trend = computeTrend(
      analyse(streams, FALLBACK_MS),
      { from: at(-3), to: at(7) },
      options,
    );
    expect(trend.map(p => p.weekStart)).toEqual([
      new Date(at(-7)).toISOString(),
      new Date(at(0)).toISOString(),
    ]);
    expect(trend[0].deployments).toBe(0);
    expect(trend[1]).toMatchObject({
      deployments: 5,
      changeFailureRate: 0.6,
      deploymentReworkRate: 0.2,
    });
  });

  it('classifies with the configured band year', () => {
    const events = analyse(streams, FALLBACK_MS);
    const only = { from: at(0), to: at(1) }; // e1 and e2, both failed: 100%
    expect(
      computeMetricSet(events, only, { ...options, bandYear: '2023' })
        .changeFailureRate.band,
    ).toBe('low');
    // The 2024 failure rates are not monotonic as printed: no band.
    const in2024 = { ...options, bandYear: '2024' as const };
    expect(
      computeMetricSet(events, week, in2024).changeFailureRate.band,
    ).toBeNull();
  });
});
