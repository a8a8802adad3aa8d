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
      compositionByEnvironment: {
        dev: 'shared-server',
        staging: 'shared-server',
        prod: 'shared-server',
      },
      serviceCallers: [],
    });
  });

  it('reads the class of service per environment and the allowed service callers', () => {
    const config = new ConfigReader({
      crossplane: {
        cluster: { url: 'https://k8s.example', token: 't' },
        teamNamespaces: {},
        compositionByEnvironment: { prod: 'aws-rds' },
        serviceCallers: ['plugin:platform-bot', 'platform-cli'],
      },
    });
    expect(readCrossplaneConfig(config)).toMatchObject({
      compositionByEnvironment: {
        dev: 'shared-server',
        staging: 'shared-server',
        prod: 'aws-rds',
      },
      serviceCallers: ['plugin:platform-bot', 'platform-cli'],
    });
  });

  it.each([
    [{ prod: 'gcp-cloudsql' }, /compositionByEnvironment\.prod: gcp-cloudsql/],
    [{ qa: 'shared-server' }, /unknown environment qa/],
  ])('refuses %j naming the key', (compositionByEnvironment, message) => {
    expect(() =>
      readCrossplaneConfig(
        new ConfigReader({
          crossplane: {
            cluster: { url: 'https://k8s.example', token: 't' },
            teamNamespaces: {},
            compositionByEnvironment,
          },
        }),
      ),
    ).toThrow(message);
  });

  it('names the missing key', () => {
    expect(() =>
      readCrossplaneConfig(
        new ConfigReader({ crossplane: { teamNamespaces: {} } }),
      ),
    ).toThrow(/crossplane\.cluster/);
  });
});
