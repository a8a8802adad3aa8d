import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DoraBandYear } from '@internal/plugin-dora-common';
import { isTimeZone } from './domain/timeZone';

/** Minimum length of every shared secret the ingest routes check. */
const MIN_SECRET_LENGTH = 16;

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
  github?: {
    webhookSecret: string;
    branches?: string[];
    /** API token and base URL for the compare API (ancestry of deployments). */
    api?: { token: string; baseUrl: string };
  };
  gitlab?: {
    secretToken: string;
    branches?: string[];
    /** API token and base URL for the compare API (ancestry of deployments). */
    api?: { token: string; baseUrl: string };
  };
  pagerduty?: { webhookSecret: string };
  argocd?: { token: string };
}

/** Reads and checks the `dora` config section. */
/**
 * A Git host's compare API: `dora.<host>.apiToken` and `apiBaseUrl` (by default the host's public
 * API). Without a token the host's deployments get their commits from other sources.
 */
function compareApi(
  section: Config,
  host: 'github' | 'gitlab',
  publicBaseUrl: string,
) {
  const token = section.getOptionalString('apiToken');
  if (!token) {
    return undefined;
  }
  const baseUrl = section.getOptionalString('apiBaseUrl') ?? publicBaseUrl;
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    throw new InputError(
      `dora.${host}.apiBaseUrl must be an http(s) URL, got '${baseUrl}'`,
    );
  }
  return { token, baseUrl: baseUrl.replace(/\/+$/, '') };
}

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
  // Every shared secret of an ingest route (a bearer token, or a webhook's signing secret) is
  // as hard to guess as the others: at least 16 characters, or the backend does not start.
  const secret = (value: string, key: string): string => {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new InputError(
        `${key} must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    return value;
  };
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
    sourceTokens.set(
      name,
      secret(sources!.getString(`${name}.token`), `dora.sources.${name}.token`),
    );
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
  if (gitlabToken !== undefined) {
    secret(gitlabToken, 'dora.gitlab.secretToken');
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
      webhookSecret: secret(
        github.getString('webhookSecret'),
        'dora.github.webhookSecret',
      ),
      branches: github.getOptionalStringArray('branches'),
      api: compareApi(github, 'github', 'https://api.github.com'),
    },
    gitlab: gitlabToken
      ? {
          secretToken: gitlabToken,
          branches: gitlab!.getOptionalStringArray('branches'),
          api: compareApi(gitlab!, 'gitlab', 'https://gitlab.com/api/v4'),
        }
      : undefined,
    pagerduty: pagerduty && {
      webhookSecret: secret(
        pagerduty.getString('webhookSecret'),
        'dora.pagerduty.webhookSecret',
      ),
    },
    argocd: argocd && {
      token: secret(argocd.getString('token'), 'dora.argocd.token'),
    },
  };
}
