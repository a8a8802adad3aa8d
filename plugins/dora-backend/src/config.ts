import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DoraBandYear } from '@internal/plugin-dora-common';
import { isTimeZone } from './domain/timeZone';

/** The plugin's settings, read once from `dora.*`. */
export interface DoraConfig {
  demoData: boolean;
  bandYear: DoraBandYear;
  productionEnvironments: string[];
  incidentFallbackHours: number;
  /** IANA time zone whose midnights start the reporting windows. */
  reportingTimeZone: string;
  /** Bearer tokens of the generic API, by source name. */
  sourceTokens: Map<string, string>;
  github?: { webhookSecret: string; branches?: string[] };
  gitlab?: { secretToken: string; branches?: string[] };
  pagerduty?: { webhookSecret: string };
  argocd?: { token: string };
}

/** Reads and checks the `dora` config section. */
export function readDoraConfig(config: Config): DoraConfig {
  const dora = config.getOptionalConfig('dora');
  const bandYear = dora?.getOptionalString('bandYear') ?? '2024';
  if (bandYear !== '2023' && bandYear !== '2024') {
    throw new InputError(
      `dora.bandYear must be 2023 or 2024, got '${bandYear}'`,
    );
  }
  const incidentFallbackHours =
    dora?.getOptionalNumber('incidentFallbackHours') ?? 24;
  if (!(incidentFallbackHours >= 0 && incidentFallbackHours <= 24 * 14)) {
    throw new InputError(
      'dora.incidentFallbackHours must be between 0 and 336',
    );
  }
  const reportingTimeZone =
    dora?.getOptionalString('reportingTimeZone') ?? 'UTC';
  if (!isTimeZone(reportingTimeZone)) {
    throw new InputError(
      `dora.reportingTimeZone must be an IANA time zone such as Europe/Paris, got '${reportingTimeZone}'`,
    );
  }
  const sourceTokens = new Map<string, string>();
  const sources = dora?.getOptionalConfig('sources');
  for (const name of sources?.keys() ?? []) {
    if (!/^[a-z0-9][a-z0-9-_.]{0,62}$/i.test(name)) {
      throw new InputError(
        `dora.sources.${name}: source names are letters, digits, - _ .`,
      );
    }
    const token = sources!.getString(`${name}.token`);
    if (token.length < 16) {
      throw new InputError(
        `dora.sources.${name}.token must be at least 16 characters`,
      );
    }
    sourceTokens.set(name, token);
  }
  const github = dora?.getOptionalConfig('github');
  const gitlab = dora?.getOptionalConfig('gitlab');
  // Without a token GitLab stays off: production writes the token as an optional variable, which
  // leaves an empty `gitlab` section when it is not set.
  const gitlabToken = gitlab?.getOptionalString('secretToken');
  if (gitlab?.has('branches') && !gitlabToken) {
    throw new InputError(
      'dora.gitlab.secretToken is required when dora.gitlab.branches is set',
    );
  }
  // GitLab sends the token itself, not a signature: it must be as hard to guess as a bearer token.
  if (gitlabToken !== undefined && gitlabToken.length < 16) {
    throw new InputError(
      'dora.gitlab.secretToken must be at least 16 characters',
    );
  }
  const pagerduty = dora?.getOptionalConfig('pagerduty');
  const argocd = dora?.getOptionalConfig('argocd');
  return {
    demoData: dora?.getOptionalBoolean('demoData') ?? false,
    bandYear,
    productionEnvironments: (
      dora?.getOptionalStringArray('productionEnvironments') ?? [
        'production',
        'prod',
      ]
    ).map(e => e.toLocaleLowerCase('en-US')),
    incidentFallbackHours,
    reportingTimeZone,
    sourceTokens,
    github: github && {
      webhookSecret: github.getString('webhookSecret'),
      branches: github.getOptionalStringArray('branches'),
    },
    gitlab: gitlabToken
      ? {
          secretToken: gitlabToken,
          branches: gitlab!.getOptionalStringArray('branches'),
        }
      : undefined,
    pagerduty: pagerduty && {
      webhookSecret: pagerduty.getString('webhookSecret'),
    },
    argocd: argocd && { token: argocd.getString('token') },
  };
}
