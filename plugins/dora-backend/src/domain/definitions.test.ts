import { analyse } from './analysis';
import { computeMetricSet, MetricOptions } from './metrics';
import { DAY_MS, Deployment, EventSet, HOUR_MS, Incident } from './model';

/**
 * Hand-computed fixtures for the cases of issue 16, where the figures disagreed with DORA's
 * definitions, Four Keys' dashboard SQL or Apache DevLake's DORA dashboard.
 */

const T0 = Date.parse('2025-03-03T00:00:00Z'); // a Monday
const at = (day: number, hour = 0) => T0 + day * DAY_MS + hour * HOUR_MS;
const FALLBACK_MS = 24 * HOUR_MS;
const options: MetricOptions = { bandYear: '2024', fallbackWindowHours: 24 };
const days30 = { from: T0, to: at(30) };

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

const events = (
  deployments: Deployment[],
  incidents: Incident[] = [],
): EventSet => ({ deployments, changes: [], incidents, rollbacks: [] });

const metricsOf = (
  set: EventSet,
  window = days30,
  extra: Partial<MetricOptions> = {},
) =>
  computeMetricSet(analyse(set, FALLBACK_MS), window, {
    ...options,
    ...extra,
  });

describe('1. deployment frequency band on the distribution of deployment days', () => {
  it('rates 30 deployments on one afternoon of 30 days monthly (medium), not elite', () => {
    // 7-day periods back from the window's end: days [23,30) [16,23) [9,16) [2,9) -> the
    // deployment day 10 falls in one of four weeks: median 0 days per week; the one 30-day
    // month has 1 deployment day -> "median month has one" -> weekly to monthly (medium).
    const burst = Array.from({ length: 30 }, (_, i) =>
      deployment({ id: `b${i}`, finishedAt: at(10, 13) + i * 60_000 }),
    );
    const df = metricsOf(events(burst)).deploymentFrequency;
    expect(df.value).toBe(1); // the rate is still shown beside the band
    expect(df.details.medianDeploymentDaysPerWeek).toBe(0);
    expect(df.details.medianDeploymentDaysPerMonth).toBe(1);
    expect(df.band).toBe('medium');
  });

  it('rates one deployment every day high (daily), not elite (on demand, multiple per day)', () => {
    const daily = Array.from({ length: 30 }, (_, i) =>
      deployment({ id: `d${i}`, finishedAt: at(i, 12) }),
    );
    const df = metricsOf(events(daily)).deploymentFrequency;
    expect(df.value).toBe(1);
    expect(df.details.medianDeploymentDaysPerWeek).toBe(7);
    expect(df.details.deploymentsPerDeploymentDay).toBe(1);
    expect(df.band).toBe('high');
  });

  it('rates several deployments on most days elite (on demand)', () => {
    // Three deployments on each weekday: 5 deployment days a week, 3 per deployment day.
    const onDemand = Array.from({ length: 30 })
      .map((_, day) => day)
      .filter(day => day % 7 < 5)
      .flatMap(day =>
        [9, 12, 15].map(hour =>
          deployment({ id: `o${day}-${hour}`, finishedAt: at(day, hour) }),
        ),
      );
    const df = metricsOf(events(onDemand)).deploymentFrequency;
    expect(df.details.deploymentsPerDeploymentDay).toBe(3);
    expect(df.band).toBe('elite');
  });
});

describe('2. one release rolled out to several regional streams', () => {
  /**
   * Four releases, each rolled out to eu then us an hour later (8 stream deployments):
   * - release 2 failed in eu only (incident names its eu deployment)
   * - release 3 failed in both regions (one incident per region)
   * Service level: 4 deployments, 2 failed releases -> CFR 50 %.
   */
  const rollouts = [1, 2, 3, 4].flatMap(r => [
    deployment({
      id: `eu-${r}`,
      stream: 'production/eu',
      commitSha: `sha${r}`,
      commits: [`sha${r}`],
      finishedAt: at(r * 5, 10),
    }),
    deployment({
      id: `us-${r}`,
      stream: 'production/us',
      commitSha: `sha${r}`,
      commits: [`sha${r}`],
      finishedAt: at(r * 5, 11),
    }),
  ]);
  const incidents: Incident[] = [
    ['i2', 'eu-2', at(10, 12)],
    ['i3eu', 'eu-3', at(15, 12)],
    ['i3us', 'us-3', at(15, 13)],
  ].map(([id, cause, openedAt]) => ({
    id: id as string,
    service: 'svc',
    openedAt: openedAt as number,
    resolvedAt: (openedAt as number) + HOUR_MS,
    causeDeploymentId: cause as string,
  }));

  it('counts a release once per service in frequency and in the failure-rate denominator', () => {
    const m = metricsOf(events(rollouts, incidents));
    expect(m.deploymentFrequency.numerator.value).toBe(4);
    expect(m.deploymentFrequency.details.streamDeployments).toBe(8);
    expect(m.changeFailureRate.denominator.value).toBe(4);
    expect(m.changeFailureRate.numerator.value).toBe(2);
    expect(m.changeFailureRate.value).toBe(0.5);
  });

  it('still counts every rollout in a stream figure', () => {
    const analysis = analyse(events(rollouts, incidents), FALLBACK_MS);
    const eu = computeMetricSet(
      analysis,
      days30,
      { ...options, level: 'stream' },
      () => true,
    );
    expect(eu.deploymentFrequency.numerator.value).toBe(8);
  });
});

describe('2. team and organisation figures are distributions of per-service values', () => {
  it('rates 40 services deploying monthly as a medium organisation, not an elite one', () => {
    // Each service deploys once in the 30 days: the sum is 40 deployments, 1.33 a day (elite
    // as a sum), but every service on its own deploys monthly (medium).
    const deployments = Array.from({ length: 40 }, (_, i) =>
      deployment({
        id: `s${i}`,
        service: `svc-${i}`,
        finishedAt: at(i % 30, 10),
      }),
    );
    const m = metricsOf(events(deployments), days30, {
      scope: 'organisation',
    }).deploymentFrequency;
    expect(m.band).toBe('medium');
    expect(m.distribution).toEqual({
      services: 40,
      withoutValue: 0,
      median: 1 / 30,
      bands: { elite: 0, high: 0, medium: 40, low: 0 },
      withoutBand: 0,
    });
    expect(m.value).toBeCloseTo(1 / 30, 10);
  });

  it('takes the band at least half the services reach, and the median of their values', () => {
    // Lead-time-free services; change failure rate under the 2023 bands: 0 %, 0 %, 50 %.
    const deployments = [
      deployment({ id: 'a1', service: 'a', finishedAt: at(1) }),
      deployment({ id: 'b1', service: 'b', finishedAt: at(1) }),
      deployment({ id: 'c1', service: 'c', finishedAt: at(1) }),
      deployment({ id: 'c2', service: 'c', finishedAt: at(2) }),
    ];
    const incidents: Incident[] = [
      {
        id: 'x',
        service: 'c',
        openedAt: at(1, 2),
        resolvedAt: at(1, 3),
        causeDeploymentId: 'c1',
      },
    ];
    const cfr = metricsOf(events(deployments, incidents), days30, {
      scope: 'team',
      bandYear: '2023',
    }).changeFailureRate;
    expect(cfr.value).toBe(0);
    expect(cfr.band).toBe('elite');
    expect(cfr.distribution?.bands).toEqual({
      elite: 2,
      high: 0,
      medium: 0,
      low: 1,
    });
  });
});

describe('3. hotfix and rollback deployments mark the deployment they repaired failed', () => {
  /**
   * Ten deployments in one stream, no incidents: r1 h1 r2 r3 h2 r4 rb1 r5 h3 r6. Each hotfix or
   * rollback deployment repairs the previous regular deployment: r1, r3, r4, r5 failed -> CFR
   * 4/10 = 40 %, rework 4/10 = 40 %. Each fix finished 2 h after the deployment it repaired.
   */
  const sequence: Array<[string, Deployment['kind']]> = [
    ['r1', 'regular'],
    ['h1', 'hotfix'],
    ['r2', 'regular'],
    ['r3', 'regular'],
    ['h2', 'hotfix'],
    ['r4', 'regular'],
    ['rb1', 'rollback'],
    ['r5', 'regular'],
    ['h3', 'hotfix'],
    ['r6', 'regular'],
  ];
  let previous = at(0, 8);
  const deployments = sequence.map(([id, kind]) => {
    previous += kind === 'regular' ? 22 * HOUR_MS : 2 * HOUR_MS;
    return deployment({ id, kind, finishedAt: previous });
  });

  it('counts them in the failure rate, labelled as repaired by a fix', () => {
    const m = metricsOf(events(deployments));
    expect(m.deploymentReworkRate.value).toBe(0.4);
    expect(m.changeFailureRate.numerator.value).toBe(4);
    expect(m.changeFailureRate.value).toBe(0.4);
    expect(m.changeFailureRate.details.repairedByFix).toBe(4);
    expect(m.failedDeploymentRecoveryTime.value).toBe(2);
  });
});

describe('4. recovery ends only with a fix after the failure began, or with incident resolution', () => {
  it('ignores a hotfix that finished before the incident opened and uses its resolution', () => {
    // d finished 10:00, hotfix 10:30, incident caused by d opened 11:00, resolved 15:00.
    // Start: min(deployment finish, incident opened) = 10:00; end: resolution 15:00 -> 5 h.
    const m = metricsOf(
      events(
        [
          deployment({ id: 'd', finishedAt: at(3, 10) }),
          deployment({ id: 'h', kind: 'hotfix', finishedAt: at(3, 10.5) }),
        ],
        [
          {
            id: 'inc',
            service: 'svc',
            openedAt: at(3, 11),
            resolvedAt: at(3, 15),
            causeDeploymentId: 'd',
          },
        ],
      ),
    );
    expect(m.failedDeploymentRecoveryTime.value).toBe(5);
  });

  it('ends an unresolved incident with the first fix after it opened', () => {
    // Incident opened 11:00, never resolved; hotfixes at 10:30 (before) and 13:00 (after).
    const m = metricsOf(
      events(
        [
          deployment({ id: 'd', finishedAt: at(3, 10) }),
          deployment({ id: 'h1', kind: 'hotfix', finishedAt: at(3, 10.5) }),
          deployment({ id: 'h2', kind: 'hotfix', finishedAt: at(3, 13) }),
        ],
        [
          {
            id: 'inc',
            service: 'svc',
            openedAt: at(3, 11),
            resolvedAt: null,
            causeDeploymentId: 'd',
          },
        ],
      ),
    );
    expect(m.failedDeploymentRecoveryTime.value).toBe(3);
  });
});

describe('5. incidents linked only by the time fallback', () => {
  it('measures recovery from the incident opening, not from the deployment', () => {
    // Deployed 00:00; an incident without a cause opened 23:00 and resolved 23:15 -> 0.25 h.
    const m = metricsOf(
      events(
        [deployment({ id: 'd', finishedAt: at(4, 0) })],
        [
          {
            id: 'inc',
            service: 'svc',
            openedAt: at(4, 23),
            resolvedAt: at(4, 23.25),
          },
        ],
      ),
    );
    expect(m.changeFailureRate.details.fallbackLinked).toBe(1);
    expect(m.failedDeploymentRecoveryTime.value).toBe(0.25);
  });
});

describe('7. commits go to the deployment whose SHA contains them (ancestry), not by commit time', () => {
  // A feature-branch commit C authored at hour 0 and merged late: main's H1 (hour 10) is deployed
  // at hour 49, the merge commit M (hour 70, push H1..M listing C and M) at hour 73. By commit
  // times C (hour 0 <= H1's hour 10) went out at hour 49; by ancestry it is in M only: 73 h.
  const sha = (c: string) => c.repeat(40);
  const [H0, H1, C, M] = ['0a', '1b', 'cc', 'dd'].map(x => sha(x).slice(0, 40));
  const change = (
    commit: string,
    hour: number,
    pushed?: { before: string; head: string; index: number },
  ) => ({ service: 'svc', sha: commit, committedAt: at(0, hour), pushed });
  const history = (withEarlierDeployment: boolean): EventSet => ({
    deployments: [
      ...(withEarlierDeployment
        ? [deployment({ id: 'd0', commitSha: H0, finishedAt: at(0, -1) })]
        : []),
      deployment({ id: 'd1', commitSha: H1, finishedAt: at(0, 49) }),
      deployment({ id: 'd2', commitSha: M, finishedAt: at(0, 73) }),
    ],
    changes: [
      change(H0, -2),
      change(C, 0, { before: H1, head: M, index: 0 }),
      change(H1, 10, { before: H0, head: H1, index: 0 }),
      change(M, 70, { before: H1, head: M, index: 1 }),
    ],
    incidents: [],
    rollbacks: [],
  });
  const leadTimes = (set: EventSet) =>
    new Map(
      analyse(set, FALLBACK_MS).commitDeployments.map(x => [
        x.change.sha,
        (x.deployment.finishedAt! - x.change.committedAt) / HOUR_MS,
      ]),
    );

  it('attributes a commit authored early but merged late to the later deployment (73 h, not 49 h)', () => {
    const lead = leadTimes(history(true));
    expect(lead.get(C)).toBe(73);
    expect(lead.get(H1)).toBe(39);
    expect(lead.get(M)).toBe(3);
    expect(lead.get(H0)).toBe(1);
    // Median of 1, 3, 39, 73 h = 21 h.
    const lt = metricsOf(history(true), {
      from: at(0, -2),
      to: at(4),
    }).changeLeadTime;
    expect(lt.value).toBe(21);
    expect(lt.warnings.map(w => w.code)).not.toContain('commits-inferred');
  });

  it('leaves a commit with a push range out of timestamp inference when the ranges break off', () => {
    // No earlier deployment: d1's ranges lead to H0, which nothing shipped and no range lists, so
    // d1 also takes commits by commit time (H0), but not C: its range leaves it to ancestry.
    const lead = leadTimes(history(false));
    expect(lead.get(C)).toBe(73);
    expect(lead.get(H0)).toBe(51);
    // The coverage note says which deployments used timestamp inference, and where.
    const note = metricsOf(history(false), {
      from: at(0),
      to: at(4),
    }).changeLeadTime.warnings.find(w => w.code === 'commits-inferred');
    expect(note?.message).toContain('1 of 2 deployments (50 %)');
    expect(note?.message).toContain('Service: svc.');
  });
});

describe('8. the 2024 change failure rate has no single-metric band', () => {
  it('shows none, as for rework, because the printed 2024 rates are not monotonic', () => {
    const deployments = Array.from({ length: 25 }, (_, i) =>
      deployment({ id: `d${i}`, finishedAt: at(i, 9) }),
    );
    const incidents: Incident[] = [
      {
        id: 'x',
        service: 'svc',
        openedAt: at(0, 10),
        resolvedAt: at(0, 11),
        causeDeploymentId: 'd0',
      },
      {
        id: 'y',
        service: 'svc',
        openedAt: at(1, 10),
        resolvedAt: at(1, 11),
        causeDeploymentId: 'd1',
      },
    ];
    const cfr = metricsOf(events(deployments, incidents)).changeFailureRate;
    expect(cfr.value).toBe(0.08);
    expect(cfr.band).toBeNull();
    expect(cfr.warnings.map(w => w.code)).toContain('no-band-defined');
    const cfr2023 = metricsOf(events(deployments, incidents), days30, {
      bandYear: '2023',
    }).changeFailureRate;
    expect(cfr2023.band).toBe('high');
  });
});

describe('10. failed production rollouts and the median bound', () => {
  it('counts failed production rollouts beside the frequency', () => {
    const m = metricsOf(
      events([
        deployment({ id: 'ok', finishedAt: at(2) }),
        deployment({ id: 'f1', status: 'failure', finishedAt: at(3) }),
        deployment({ id: 'f2', status: 'failure', finishedAt: at(4) }),
        deployment({
          id: 'f3',
          status: 'failure',
          production: false,
          finishedAt: at(4),
        }),
      ]),
    );
    expect(m.deploymentFrequency.numerator.value).toBe(1);
    expect(m.deploymentFrequency.details.failedRollouts).toBe(2);
  });

  it('states the histogram bound as 2.44 %', () => {
    const m = metricsOf(events([deployment({ id: 'ok', finishedAt: at(2) })]));
    expect(m.changeLeadTime.definition).toContain('within 2.44%');
  });
});
