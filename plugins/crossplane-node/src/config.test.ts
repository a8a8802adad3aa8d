import { ConfigReader } from '@backstage/config';
import { readCrossplaneConfig } from './config';

describe('readCrossplaneConfig', () => {
  it('reads the cluster and the team namespaces', () => {
    const config = new ConfigReader({
      crossplane: {
        cluster: {
          url: 'http://127.0.0.1:6443',
          token: 'local-control-plane-portal',
          skipTLSVerify: true,
        },
        teamNamespaces: { payments: 'team-payments', search: 'team-search' },
      },
    });
    expect(readCrossplaneConfig(config)).toEqual({
      cluster: {
        url: 'http://127.0.0.1:6443',
        token: 'local-control-plane-portal',
        skipTLSVerify: true,
      },
      teamNamespaces: { payments: 'team-payments', search: 'team-search' },
    });
  });

  it('names the missing key', () => {
    expect(() =>
      readCrossplaneConfig(
        new ConfigReader({ crossplane: { teamNamespaces: {} } }),
      ),
    ).toThrow(/crossplane\.cluster/);
  });
});
