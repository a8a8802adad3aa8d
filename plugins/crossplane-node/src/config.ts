import { Config } from '@backstage/config';
import {
  POSTGRES_DEFAULT_PROVIDER,
  POSTGRES_ENVIRONMENTS,
  POSTGRES_PROVIDERS,
  PostgresProvider,
} from '@internal/plugin-crossplane-common';

/** The crossplane plugin's configuration. @public */
export interface CrossplaneConfig {
  cluster: {
    url: string;
    token: string;
    caData?: string;
    skipTLSVerify?: boolean;
  };
  /** Team name to namespace. */
  teamNamespaces: Record<string, string>;
  /**
   * The class of service (Composition label `platform.fernhill.io/provider`) each environment
   * gets; every environment is listed (unconfigured ones get `shared-server`, the XRD's default).
   */
  compositionByEnvironment: Record<
    (typeof POSTGRES_ENVIRONMENTS)[number],
    PostgresProvider
  >;
  /**
   * Service principals (by subject: `plugin:<pluginId>`, or the `subject` of an external access
   * token) that may request databases through the REST API. Nobody else without a user identity.
   */
  serviceCallers: string[];
}

/** Reads `crossplane.*` from app-config. @public */
export function readCrossplaneConfig(config: Config): CrossplaneConfig {
  const root = config.getConfig('crossplane');
  const cluster = root.getConfig('cluster');
  const namespaces = root.getConfig('teamNamespaces');
  const byEnvironment = root.getOptionalConfig('compositionByEnvironment');
  for (const key of byEnvironment?.keys() ?? []) {
    if (!(POSTGRES_ENVIRONMENTS as readonly string[]).includes(key)) {
      throw new Error(
        `Invalid crossplane.compositionByEnvironment: unknown environment ${key} (allowed: ${POSTGRES_ENVIRONMENTS.join(
          ', ',
        )})`,
      );
    }
  }
  const compositionByEnvironment = Object.fromEntries(
    POSTGRES_ENVIRONMENTS.map(environment => {
      const provider =
        byEnvironment?.getOptionalString(environment) ??
        POSTGRES_DEFAULT_PROVIDER;
      if (!(POSTGRES_PROVIDERS as readonly string[]).includes(provider)) {
        throw new Error(
          `Invalid crossplane.compositionByEnvironment.${environment}: ${provider} is not a Composition the portal knows (allowed: ${POSTGRES_PROVIDERS.join(
            ', ',
          )})`,
        );
      }
      return [environment, provider as PostgresProvider];
    }),
  ) as CrossplaneConfig['compositionByEnvironment'];
  return {
    cluster: {
      url: cluster.getString('url'),
      token: cluster.getString('token'),
      caData: cluster.getOptionalString('caData'),
      skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify'),
    },
    teamNamespaces: Object.fromEntries(
      namespaces.keys().map(team => [team, namespaces.getString(team)]),
    ),
    compositionByEnvironment,
    serviceCallers: root.getOptionalStringArray('serviceCallers') ?? [],
  };
}
