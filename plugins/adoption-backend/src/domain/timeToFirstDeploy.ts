import {
  AdoptionLeadTimeRow,
  AdoptionTimeToFirstDeployMeasure,
} from '@internal/plugin-adoption-common';
import { NO_OWNER } from './coverage';
import { ComponentRecord } from './model';
import {
  compareStrings,
  groupBy,
  HOUR_MS,
  inWindow,
  percentile,
  Window,
} from './statistics';

interface Sample {
  team: string;
  hours: number | null;
}

function row(team: string, samples: Sample[]): AdoptionLeadTimeRow {
  const hours = samples.filter(s => s.hours !== null).map(s => s.hours!);
  return {
    team,
    deployed: hours.length,
    pending: samples.length - hours.length,
    p50Hours: percentile(hours, 0.5),
    p95Hours: percentile(hours, 0.95),
  };
}

/**
 * Time from repository creation (`fernhill.io/created-at`) to the component's first successful
 * production deployment (DORA), for components created in the window. A component whose first
 * deployment predates its creation (an imported repository) is left out; one not yet deployed is
 * counted as pending.
 */
export function computeTimeToFirstDeploy(options: {
  components: ComponentRecord[];
  firstDeploys: Map<string, number>;
  window: Window;
  targetHours: number;
}): AdoptionTimeToFirstDeployMeasure {
  const { components, firstDeploys, window, targetHours } = options;
  const samples: Sample[] = [];
  for (const c of components) {
    if (!inWindow(c.createdAt, window)) continue;
    const first = firstDeploys.get(c.entityRef);
    if (first !== undefined && first < c.createdAt!) continue;
    samples.push({
      team: c.owner ?? NO_OWNER,
      hours: first === undefined ? null : (first - c.createdAt!) / HOUR_MS,
    });
  }
  return {
    targetHours,
    overall: row('all', samples),
    teams: [...groupBy(samples, s => s.team).entries()]
      .map(([team, items]) => row(team, items))
      .sort((a, b) => compareStrings(a.team, b.team)),
  };
}
