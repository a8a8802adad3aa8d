import {
  AdoptionEventRecord,
  DAY_MS,
  HOUR_MS,
  NpsAnswerRecord,
  TemplateRunRecord,
  TicketRecord,
  UsageBatch,
  weekStart,
} from '../domain';

type DemoRun = TemplateRunRecord & {
  templateVersion: string | null;
  finishedAt: number | null;
};

const TS = 'template:default/typescript-service';
const GO = 'template:default/go-service';
const SITE = 'template:default/static-site';

/**
 * The golden-path templates' current version (`fernhill.io/template-version` in templates/, which
 * a test compares) and the one before it: most demo components are on the current one, a few lag,
 * as in an organisation that adopts template updates.
 */
export const DEMO_TEMPLATE_VERSIONS = { current: '2.1.0', previous: '1.1.0' };
const CURRENT = DEMO_TEMPLATE_VERSIONS.current;
const PREVIOUS = DEMO_TEMPLATE_VERSIONS.previous;

/**
 * The demo components of demo/systems.yaml (the services of the DORA demo history) and the golden
 * path each was created from; ledger-service and merchant-portal predate the golden paths.
 */
export const DEMO_PROVENANCE: Array<{
  name: string;
  team: string;
  template?: string;
  version?: string;
}> = [
  { name: 'payments-api', team: 'payments', template: TS, version: CURRENT },
  { name: 'checkout-web', team: 'payments', template: SITE, version: CURRENT },
  { name: 'ledger-service', team: 'payments' },
  { name: 'fraud-scoring', team: 'payments', template: GO, version: PREVIOUS },
  { name: 'catalog-api', team: 'catalog', template: TS, version: PREVIOUS },
  { name: 'product-ingest', team: 'catalog', template: GO, version: CURRENT },
  { name: 'pricing-service', team: 'catalog', template: TS, version: CURRENT },
  { name: 'merchant-portal', team: 'catalog' },
  { name: 'search-api', team: 'search', template: GO, version: CURRENT },
  { name: 'search-indexer', team: 'search', template: GO, version: PREVIOUS },
  { name: 'recommendations', team: 'search', template: TS, version: CURRENT },
  { name: 'ci-runners', team: 'platform', template: GO, version: CURRENT },
  {
    name: 'platform-compositions',
    team: 'platform',
    template: TS,
    version: CURRENT,
  },
];

/** Median hours from repository creation to first production deploy, by team (DORA bands alike). */
const TEAM_FIRST_DEPLOY_HOURS: Record<string, number> = {
  platform: 3,
  payments: 18,
  search: 30,
  catalog: 52,
};

const TEAMS = ['payments', 'catalog', 'search', 'platform'];

const FAILURES: Array<{ template: string; step: string; message: string }> = [
  {
    template: TS,
    step: 'publish',
    message: 'Failed to push to the Git host: connection reset by peer',
  },
  {
    template: TS,
    step: 'create-database',
    message:
      'Timed out after 600 s waiting for PostgreSQLInstance to become Ready',
  },
  {
    template: GO,
    step: 'register',
    message: 'Location already exists in the catalog',
  },
  {
    template: GO,
    step: 'ensure-name',
    message: 'A component named checkout-api already exists in the catalog',
  },
  {
    template: SITE,
    step: 'fetch-base',
    message: 'Template skeleton not found: ./skeleton',
  },
];

/** Comments some demo answers carry, by score. */
const DEMO_COMMENTS: Record<number, string> = {
  10: 'Golden paths save me a day per service',
  9: 'Creating a database takes minutes now',
  4: 'Database requests still need a ticket now and then',
  2: 'Template runs failed twice on publish',
};

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

export interface DemoAdoption {
  events: AdoptionEventRecord[];
  runs: DemoRun[];
  tickets: TicketRecord[];
  usage: UsageBatch;
  nps: Array<NpsAnswerRecord & { comment?: string }>;
}

/**
 * Generates `days` of adoption history ending at `now` for the demo organisation: golden-path
 * provenance of the demo components (created a team-typical time before the first production
 * deploy that the DORA demo history shows), template runs with realistic failures, database
 * requests, tickets trending down, portal usage trending up, and NPS answers.
 */
export function generateDemoAdoption(options: {
  now: number;
  firstDeploys: Map<string, number>;
  days?: number;
  seed?: number;
}): DemoAdoption {
  const { now, firstDeploys, days = 90, seed = 2026 } = options;
  const rand = random(seed);
  const start = now - days * DAY_MS;
  const around = (median: number) => median * Math.exp((rand() - 0.5) * 1.0);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const officeHour = (day: number) =>
    start + day * DAY_MS + (9 + rand() * 8) * HOUR_MS;
  const events: AdoptionEventRecord[] = [];
  const base = {
    templateRef: null,
    templateVersion: null,
    taskId: null,
    entityRef: null,
    owner: null,
    kind: null,
    requestedAt: null,
    readyAt: null,
    status: null,
    durationMs: null,
  };

  // Provenance of the demo components.
  for (const c of DEMO_PROVENANCE) {
    if (!c.template) continue;
    const entityRef = `component:default/${c.name}`;
    const first = firstDeploys.get(entityRef);
    const createdAt = first
      ? first - around(TEAM_FIRST_DEPLOY_HOURS[c.team]) * HOUR_MS
      : start - DAY_MS;
    events.push({
      ...base,
      id: `demo:${c.name}:template-run`,
      type: 'template-run',
      occurredAt: Math.round(createdAt),
      templateRef: c.template,
      templateVersion: c.version ?? null,
      taskId: `demo-provenance-${c.name}`,
      entityRef,
      owner: `group:default/${c.team}`,
      kind: c.template === SITE ? 'site' : 'service',
      status: 'completed',
      durationMs: Math.round(around(120) * 1000),
    });
  }

  // Template runs: from 1 to 2.5 a day, failures from 15% down to 5%.
  const runs: DemoRun[] = [];
  let counter = 0;
  for (let day = 0; day < days; day++) {
    const progress = day / days;
    const perDay = 1 + 1.5 * progress;
    const count = Math.floor(perDay) + (rand() < perDay % 1 ? 1 : 0);
    for (let n = 0; n < count; n++) {
      const createdAt = Math.round(officeHour(day));
      if (createdAt > now - HOUR_MS) continue;
      const failed = rand() < 0.15 - 0.1 * progress;
      const failure = failed ? pick(FAILURES) : undefined;
      const template = failure?.template ?? pick([TS, TS, GO, GO, SITE]);
      const withDatabase = template !== SITE && rand() < 0.4;
      const durationMs = Math.round(
        (failure ? around(40) : around(withDatabase ? 420 : 95)) * 1000,
      );
      const team = pick(TEAMS);
      const taskId = `demo-task-${++counter}`;
      runs.push({
        taskId,
        templateRef: template,
        templateVersion: CURRENT,
        status: failed ? 'failed' : 'completed',
        createdAt,
        finishedAt: createdAt + durationMs,
        durationMs,
        failedStep: failure?.step ?? null,
        errorMessage: failure?.message ?? null,
      });
      events.push({
        ...base,
        id: `${taskId}:template-run`,
        type: 'template-run',
        occurredAt: createdAt + durationMs,
        templateRef: template,
        templateVersion: CURRENT,
        taskId,
        owner: `group:default/${team}`,
        kind: template === SITE ? 'site' : 'service',
        requestedAt: createdAt,
        readyAt: failed ? null : createdAt + durationMs,
        status: failed ? 'failed' : 'completed',
        durationMs,
      });
    }
  }

  // Databases requested through the portal: about one every two days, Ready in minutes.
  for (let day = 0; day < days; day++) {
    if (rand() > 0.35 + 0.3 * (day / days)) continue;
    const requestedAt = Math.round(officeHour(day));
    if (requestedAt > now - HOUR_MS) continue;
    events.push({
      ...base,
      id: `demo-database-${day}`,
      type: 'self-service',
      occurredAt: requestedAt,
      owner: `group:default/${pick(TEAMS)}`,
      kind: 'database',
      requestedAt,
      readyAt: requestedAt + Math.round(around(6) * 60_000),
      status: 'completed',
    });
  }

  // Tickets the platform team still gets: about five a week at first, fewer later.
  const tickets: TicketRecord[] = [];
  for (let day = 0; day < days; day++) {
    const perDay = 0.75 - 0.45 * (day / days);
    if (rand() > perDay) continue;
    const openedAt = Math.round(officeHour(day));
    const resolvedAt = openedAt + Math.round(around(40) * HOUR_MS);
    tickets.push({
      externalId: `DEMO-${1000 + day}`,
      category: pick([
        'database',
        'database',
        'new-service',
        'access',
        'dns',
        'ci',
      ]),
      team:
        rand() < 0.8
          ? `group:default/${pick(['payments', 'catalog', 'search'])}`
          : null,
      openedAt,
      resolvedAt: resolvedAt < now ? resolvedAt : null,
    });
  }

  // Portal usage: from about 30 to 60 weekly users of 80 engineers.
  const plugins: Array<[string, number]> = [
    ['catalog', 40],
    ['scaffolder', 14],
    ['techdocs', 22],
    ['dora', 8],
    ['crossplane', 5],
    ['search', 12],
    ['adoption', 2],
    ['home', 18],
  ];
  const views: UsageBatch['views'] = [];
  const users = new Map<string, { week: number; userKey: string }>();
  for (let day = 0; day < days; day++) {
    const dayStart = start - (start % DAY_MS) + day * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const activity = 0.4 + 0.5 * (day / days);
    for (const [pluginId, perDay] of plugins) {
      views.push({
        day: dayStart,
        pluginId,
        views: Math.round(perDay * activity * (0.8 + rand() * 0.4)),
      });
    }
    for (let u = 0; u < 80; u++) {
      if (rand() < activity * 0.25) {
        const week = weekStart(dayStart);
        users.set(`${week}:${u}`, { week, userKey: `demo-user-${u}` });
      }
    }
  }

  // NPS answers: a few a week, improving as the golden paths mature.
  const nps: DemoAdoption['nps'] = [];
  for (let day = 0; day < days; day++) {
    if (rand() > 0.8) continue;
    const progress = day / days;
    const score = Math.max(
      0,
      Math.min(10, Math.round(6.5 + 2.5 * progress + (rand() - 0.45) * 5)),
    );
    nps.push({
      score,
      answeredAt: Math.round(officeHour(day)),
      comment: DEMO_COMMENTS[score],
    });
  }

  return {
    events,
    runs,
    tickets,
    usage: { views, users: [...users.values()] },
    nps: nps.filter(a => a.answeredAt < now),
  };
}
