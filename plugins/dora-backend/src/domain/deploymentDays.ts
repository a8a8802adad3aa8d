import { DoraDeploymentDays } from '@internal/plugin-dora-common';
import { DAY_MS, TimeWindow } from './model';
import { median } from './statistics';

/**
 * Consecutive periods of `length` days counted back from the window's last day; a shorter period
 * left at the window's start is dropped unless it is the only one (a window shorter than a
 * period). Day numbers are UTC days since the epoch.
 */
function periods(window: TimeWindow, length: number): Array<[number, number]> {
  const firstDay = Math.floor(window.from / DAY_MS);
  const endDay = Math.ceil(window.to / DAY_MS);
  const result: Array<[number, number]> = [];
  for (let end = endDay; end - length >= firstDay; end -= length) {
    result.push([end - length, end]);
  }
  return result.length > 0 ? result : [[firstDay, endDay]];
}

function medianDaysPerPeriod(
  days: ReadonlySet<number>,
  window: TimeWindow,
  length: number,
): number {
  const counts = periods(window, length).map(
    ([from, to]) => [...days].filter(day => day >= from && day < to).length,
  );
  return median(counts) ?? 0;
}

/**
 * The distribution of deployment days a deployment frequency band is read from (Four Keys and
 * DevLake band on deployment days, not on a count of deployments): the median days with a
 * deployment per week and per month, and the deployments per deployment day.
 */
export function deploymentDaysOf(
  days: ReadonlySet<number>,
  deployments: number,
  window: TimeWindow,
): DoraDeploymentDays {
  return {
    medianDeploymentDaysPerWeek: medianDaysPerPeriod(days, window, 7),
    medianDeploymentDaysPerMonth: medianDaysPerPeriod(days, window, 30),
    deploymentsPerDeploymentDay: days.size === 0 ? 0 : deployments / days.size,
  };
}
