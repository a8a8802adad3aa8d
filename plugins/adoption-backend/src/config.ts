import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { RoiAssumptions } from './domain';

/** The plugin's settings, read once from `adoption.*`. */
export interface AdoptionConfig {
  demoData: boolean;
  targets: {
    goldenPathCoverage: number;
    timeToFirstDeployHours: number;
    noTicketShare: number;
  };
  collector: { frequencyMinutes: number; maxTasksPerRun: number };
  analytics: { identity: 'hash' | 'drop'; salt?: string };
  nps: { periodDays: number; anonymous: boolean };
  roi: RoiAssumptions;
}

function bounded(
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value >= min && value <= max)) {
    throw new InputError(
      `adoption.${key} must be between ${min} and ${max}, got ${value}`,
    );
  }
  return value;
}

/** Reads and checks the `adoption` config section. */
export function readAdoptionConfig(config: Config): AdoptionConfig {
  const a = config.getOptionalConfig('adoption');
  const identity = a?.getOptionalString('analytics.identity') ?? 'hash';
  if (identity !== 'hash' && identity !== 'drop') {
    throw new InputError(
      `adoption.analytics.identity must be hash or drop, got '${identity}'`,
    );
  }
  const salt = a?.getOptionalString('analytics.salt');
  if (identity === 'hash' && (!salt || salt.length < 16)) {
    throw new InputError(
      'adoption.analytics.salt is required with identity hash and must be at least 16 characters (or set adoption.analytics.identity: drop)',
    );
  }
  const currency = a?.getOptionalString('roi.currency') ?? 'EUR';
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new InputError(
      `adoption.roi.currency must be an ISO 4217 code, got '${currency}'`,
    );
  }
  return {
    demoData: a?.getOptionalBoolean('demoData') ?? false,
    targets: {
      goldenPathCoverage: bounded(a, 'targets.goldenPathCoverage', 0.8, 0, 1),
      timeToFirstDeployHours: bounded(
        a,
        'targets.timeToFirstDeployHours',
        24,
        1,
        24 * 90,
      ),
      noTicketShare: bounded(a, 'targets.noTicketShare', 0.9, 0, 1),
    },
    collector: {
      frequencyMinutes: bounded(a, 'collector.frequencyMinutes', 5, 1, 24 * 60),
      maxTasksPerRun: bounded(
        a,
        'collector.maxTasksPerRun',
        2000,
        100,
        100_000,
      ),
    },
    analytics: { identity, salt: identity === 'hash' ? salt : undefined },
    nps: {
      periodDays: bounded(a, 'nps.periodDays', 90, 1, 3650),
      anonymous: a?.getOptionalBoolean('nps.anonymous') ?? true,
    },
    roi: {
      currency,
      loadedHourlyCost: bounded(a, 'roi.loadedHourlyCost', 95, 0, 10_000),
      platformCostPerYear: bounded(
        a,
        'roi.platformCostPerYear',
        600_000,
        0,
        1e10,
      ),
      waitCostShare: bounded(a, 'roi.waitCostShare', 0.25, 0, 1),
      setupHoursPerGoldenPathRun: bounded(
        a,
        'roi.setupHoursPerGoldenPathRun',
        8,
        0,
        1000,
      ),
    },
  };
}
