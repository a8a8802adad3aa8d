import { AdoptionRoiMeasure } from '@internal/plugin-adoption-common';

/** The configured side of the ROI estimate (`adoption.roi`). */
export interface RoiAssumptions {
  currency: string;
  loadedHourlyCost: number;
  platformCostPerYear: number;
  /** Share of the time a request waits that costs engineering time (blocked work, follow-ups). */
  waitCostShare: number;
  /** Hours of manual setup one successful golden-path run replaces. */
  setupHoursPerGoldenPathRun: number;
}

const round = (value: number, digits = 1) =>
  Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Return on investment over the window. Hours saved = portal requests × the measured wait avoided
 * (median ticket time to resolve − median portal time to Ready, not below 0) × waitCostShare +
 * successful golden-path runs × setupHoursPerGoldenPathRun. Value = hours × loaded hourly cost;
 * cost = yearly platform cost pro rata for the window.
 */
export function computeRoi(options: {
  assumptions: RoiAssumptions;
  windowDays: number;
  portalRequests: number;
  succeededRuns: number;
  ticketP50Hours: number | null;
  portalP50Hours: number | null;
}): AdoptionRoiMeasure {
  const { assumptions: a, windowDays, portalRequests, succeededRuns } = options;
  const waitAvoided =
    options.ticketP50Hours === null
      ? 0
      : Math.max(0, options.ticketP50Hours - (options.portalP50Hours ?? 0));
  const hoursSaved =
    portalRequests * waitAvoided * a.waitCostShare +
    succeededRuns * a.setupHoursPerGoldenPathRun;
  const value = hoursSaved * a.loadedHourlyCost;
  const cost = (a.platformCostPerYear * windowDays) / 365;
  return {
    currency: a.currency,
    hoursSaved: round(hoursSaved),
    value: round(value, 0),
    cost: round(cost, 0),
    roi: cost > 0 ? round((value - cost) / cost, 2) : null,
    assumptions: [
      {
        name: 'Loaded hourly cost',
        value: `${a.loadedHourlyCost} ${a.currency}`,
        source: 'config',
      },
      {
        name: 'Platform cost per year',
        value: `${a.platformCostPerYear} ${a.currency}`,
        source: 'config',
      },
      {
        name: 'Share of waiting time that costs engineering time',
        value: `${round(a.waitCostShare * 100)}%`,
        source: 'config',
      },
      {
        name: 'Manual setup hours replaced per golden-path run',
        value: `${a.setupHoursPerGoldenPathRun} h`,
        source: 'config',
      },
      {
        name: 'Wait avoided per portal request (median ticket resolve − median portal Ready)',
        value:
          options.ticketP50Hours === null
            ? 'no tickets in the window: 0 h'
            : `${round(waitAvoided)} h`,
        source: 'measured',
      },
      {
        name: 'Portal requests in the window',
        value: String(portalRequests),
        source: 'measured',
      },
      {
        name: 'Successful golden-path runs in the window',
        value: String(succeededRuns),
        source: 'measured',
      },
      {
        name: 'Window',
        value: `${windowDays} days (cost pro rata)`,
        source: 'measured',
      },
    ],
  };
}
