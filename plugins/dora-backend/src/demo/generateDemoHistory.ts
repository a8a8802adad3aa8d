import { DAY_MS, HOUR_MS } from '../domain';
import { NormalizedEvent } from '../domain/events';

/** How a demo team delivers, at the start and at the end of the history. */
interface TeamProfile {
  /** Production deployments per service and stream per day (a team's rate is the sum). */
  deploysPerDay: [number, number];
  /** Median commit-to-production hours. */
  leadTimeHours: [number, number];
  /** Chance that a deployment fails in production. */
  failureRate: [number, number];
  /** Median hours to recover from a failure. */
  recoveryHours: [number, number];
}

interface DemoService {
  name: string;
  team: string;
  streams: string[];
}

/** The demo organisation of demo/systems.yaml: teams at different bands, search improving. */
export const DEMO_TEAMS: Record<string, TeamProfile> = {
  platform: {
    deploysPerDay: [3, 3.5],
    leadTimeHours: [3, 2],
    failureRate: [0.04, 0.04],
    recoveryHours: [0.6, 0.5],
  },
  payments: {
    deploysPerDay: [0.15, 0.18],
    leadTimeHours: [40, 30],
    failureRate: [0.12, 0.1],
    recoveryHours: [5, 4],
  },
  catalog: {
    deploysPerDay: [0.015, 0.015],
    leadTimeHours: [320, 300],
    failureRate: [0.22, 0.2],
    recoveryHours: [30, 26],
  },
  search: {
    deploysPerDay: [0.02, 0.5],
    leadTimeHours: [500, 30],
    failureRate: [0.35, 0.08],
    recoveryHours: [120, 3],
  },
};

export const DEMO_SERVICES: DemoService[] = [
  {
    name: 'payments-api',
    team: 'payments',
    streams: ['production/eu', 'production/us'],
  },
  { name: 'checkout-web', team: 'payments', streams: ['production'] },
  { name: 'ledger-service', team: 'payments', streams: ['production'] },
  { name: 'fraud-scoring', team: 'payments', streams: ['production'] },
  { name: 'catalog-api', team: 'catalog', streams: ['production'] },
  { name: 'product-ingest', team: 'catalog', streams: ['production'] },
  { name: 'pricing-service', team: 'catalog', streams: ['production'] },
  { name: 'merchant-portal', team: 'catalog', streams: ['production'] },
  { name: 'search-api', team: 'search', streams: ['production'] },
  { name: 'search-indexer', team: 'search', streams: ['production'] },
  { name: 'recommendations', team: 'search', streams: ['production'] },
  { name: 'ci-runners', team: 'platform', streams: ['production'] },
  { name: 'platform-compositions', team: 'platform', streams: ['production'] },
];

/** A small deterministic PRNG (mulberry32), so the demo looks the same on every machine. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lerp = ([a, b]: [number, number], f: number) => a + (b - a) * f;

/**
 * Generates `days` days of history ending at `now`: commits, deployments to production (and
 * staging), incidents (most linked to their deployment, some not, to exercise the fallback),
 * rollbacks and hotfixes, and a few events of an uncatalogued repository.
 */
export function generateDemoHistory(options: {
  now: number;
  days?: number;
  seed?: number;
}) {
  const { now, days = 90, seed = 2026 } = options;
  const rand = random(seed);
  // Log-normal around the median, so times have a realistic long tail.
  const around = (median: number) => median * Math.exp((rand() - 0.5) * 1.2);
  const sha = () =>
    Array.from({ length: 40 }, () => Math.floor(rand() * 16).toString(16)).join(
      '',
    );
  const start = now - days * DAY_MS;
  const events: NormalizedEvent[] = [];
  let counter = 0;

  for (const service of DEMO_SERVICES) {
    const profile = DEMO_TEAMS[service.team];
    const slug = `fernhill/${service.name}`;
    const github = {
      source: 'demo',
      serviceKeyType: 'github' as const,
      serviceKey: slug,
    };
    const entity = {
      source: 'demo',
      serviceKeyType: 'entity' as const,
      serviceKey: `component:default/${service.name}`,
    };
    for (let day = 0; day < days; day++) {
      const progress = day / days;
      const perDay = lerp(profile.deploysPerDay, progress);
      const count = Math.floor(perDay) + (rand() < perDay % 1 ? 1 : 0);
      for (let n = 0; n < count; n++) {
        // Office hours, spread over the day.
        const finishedAt = start + day * DAY_MS + (9 + rand() * 9) * HOUR_MS;
        if (finishedAt > now - HOUR_MS) {
          continue;
        }
        const commits: string[] = [];
        const commitCount = 1 + Math.floor(rand() * 4);
        for (let c = 0; c < commitCount; c++) {
          const commit = sha();
          commits.push(commit);
          const committedAt = Math.max(
            start - 30 * DAY_MS,
            finishedAt -
              around(lerp(profile.leadTimeHours, progress)) * HOUR_MS,
          );
          events.push({
            ...github,
            type: 'change',
            externalId: `${slug}@${commit}`,
            sha: commit,
            committedAt,
            authoredAt: committedAt - rand() * 2 * HOUR_MS,
            prNumber: rand() < 0.8 ? 1000 + ++counter : undefined,
          });
        }
        for (const stream of service.streams) {
          const id = `demo-${service.name}-${++counter}`;
          const startedAt = finishedAt - (4 + rand() * 10) * 60_000;
          const head = commits[commits.length - 1];
          events.push({
            ...github,
            type: 'deployment',
            externalId: `${id}-staging`,
            environment: 'staging',
            stream: 'staging',
            production: false,
            status: 'success',
            kind: 'regular',
            commitSha: head,
            commits,
            startedAt: startedAt - HOUR_MS,
            finishedAt: finishedAt - HOUR_MS + 5 * 60_000,
          });
          events.push({
            ...github,
            type: 'deployment',
            externalId: id,
            environment: 'production',
            stream,
            production: true,
            status: rand() < 0.05 ? 'failure' : 'success',
            kind: 'regular',
            commitSha: head,
            commits,
            startedAt,
            finishedAt,
          });
          if (rand() >= lerp(profile.failureRate, progress)) {
            continue;
          }
          // A production failure: an incident, then a rollback, a hotfix or a fix by hand.
          const openedAt = finishedAt + rand() * 0.5 * around(1) * HOUR_MS;
          const recoveredAt =
            finishedAt +
            around(lerp(profile.recoveryHours, progress)) * HOUR_MS;
          const roll = rand();
          const linked = rand() < 0.75;
          if (recoveredAt < now) {
            if (roll < 0.35) {
              const rollbackId = `${id}-rollback`;
              events.push({
                ...github,
                type: 'deployment',
                externalId: rollbackId,
                environment: 'production',
                stream,
                production: true,
                status: 'success',
                kind: 'rollback',
                startedAt: recoveredAt - 5 * 60_000,
                finishedAt: recoveredAt,
              });
              events.push({
                ...github,
                type: 'rollback',
                externalId: `${id}-rb`,
                environment: 'production',
                stream,
                rolledBackDeploymentId: id,
                rollbackDeploymentId: rollbackId,
                at: recoveredAt - 5 * 60_000,
              });
            } else if (roll < 0.6) {
              const fix = sha();
              events.push({
                ...github,
                type: 'change',
                externalId: `${slug}@${fix}`,
                sha: fix,
                committedAt: recoveredAt - 0.4 * (recoveredAt - openedAt),
              });
              events.push({
                ...github,
                type: 'deployment',
                externalId: `${id}-hotfix`,
                environment: 'production',
                stream,
                production: true,
                status: 'success',
                kind: 'hotfix',
                commitSha: fix,
                commits: [fix],
                startedAt: recoveredAt - 8 * 60_000,
                finishedAt: recoveredAt,
              });
            }
          }
          events.push({
            ...entity,
            type: 'incident',
            externalId: `INC-${++counter}`,
            title: `Elevated errors on ${service.name} (${stream})`,
            severity: rand() < 0.3 ? 'P1' : 'P2',
            openedAt,
            resolvedAt: recoveredAt < now ? recoveredAt : undefined,
            causeDeploymentId: roll >= 0.35 && linked ? id : undefined,
          });
        }
      }
    }
  }

  // A repository nobody registered in the catalog yet: shows up under /unmapped.
  for (let i = 0; i < 5; i++) {
    const finishedAt = start + (10 + i * 15) * DAY_MS;
    events.push({
      source: 'demo',
      serviceKeyType: 'github',
      serviceKey: 'fernhill/legacy-billing',
      type: 'deployment',
      externalId: `demo-legacy-billing-${i}`,
      environment: 'production',
      stream: 'production',
      production: true,
      status: 'success',
      kind: 'regular',
      startedAt: finishedAt - 20 * 60_000,
      finishedAt,
    });
  }
  return events;
}
