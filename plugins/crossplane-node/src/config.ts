import { Config } from '@backstage/config';

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
}

/** Reads `crossplane.*` from app-config. @public */
export function readCrossplaneConfig(config: Config): CrossplaneConfig {
  const root = config.getConfig('crossplane');
  const cluster = root.getConfig('cluster');
  const namespaces = root.getConfig('teamNamespaces');
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
  };
}
