import { ConfigReader } from '@backstage/config';
import { readDoraConfig } from './config';

const read = (dora?: object) =>
  readDoraConfig(new ConfigReader(dora ? { dora } : {}));

describe('readDoraConfig', () => {
  it('has defaults', () => {
    expect(read()).toMatchObject({
      demoData: false,
      bandYear: '2024',
      productionEnvironments: ['production', 'prod'],
      incidentFallbackHours: 24,
      sourceTokens: new Map(),
    });
  });

  it('reads the reporting time zone, UTC by default, and refuses unknown zones', () => {
    expect(read().reportingTimeZone).toBe('UTC');
    expect(read({ reportingTimeZone: 'Europe/Paris' }).reportingTimeZone).toBe(
      'Europe/Paris',
    );
    expect(() => read({ reportingTimeZone: 'Mars/Olympus' })).toThrow(
      /dora.reportingTimeZone must be an IANA time zone/,
    );
  });

  it('reads the GitHub API token for the compare API, and refuses a base URL that is not http(s)', () => {
    const github = { webhookSecret: 'github-secret-0123456789' };
    expect(read({ github }).github?.api).toBeUndefined();
    expect(read({ github: { ...github, apiToken: 't' } }).github?.api).toEqual({
      token: 't',
      baseUrl: 'https://api.github.com',
    });
    expect(
      read({
        github: {
          ...github,
          apiToken: 't',
          apiBaseUrl: 'https://github.example.com/api/v3/',
        },
      }).github?.api?.baseUrl,
    ).toBe('https://github.example.com/api/v3');
    expect(() =>
      read({ github: { ...github, apiToken: 't', apiBaseUrl: 'ftp://x' } }),
    ).toThrow(/dora.github.apiBaseUrl must be an http\(s\) URL/);
  });

  it('reads sources and webhook secrets', () => {
    const config = read({
      bandYear: '2023',
      productionEnvironments: ['Live'],
      sources: { deployer: { token: 'a-long-enough-token' } },
      github: { webhookSecret: 'github-secret-0123456789', branches: ['main'] },
    });
    expect(config.bandYear).toBe('2023');
    expect(config.productionEnvironments).toEqual(['live']);
    expect(config.sourceTokens.get('deployer')).toBe('a-long-enough-token');
    expect(config.github).toEqual({
      webhookSecret: 'github-secret-0123456789',
      branches: ['main'],
    });
  });

  it('reads the GitLab token and branches, and leaves GitLab off without a token', () => {
    expect(
      read({
        gitlab: { secretToken: 'gitlab-token-0123456789', branches: ['main'] },
      }).gitlab,
    ).toEqual({ secretToken: 'gitlab-token-0123456789', branches: ['main'] });
    expect(
      read({ gitlab: { secretToken: 'gitlab-token-0123456789' } }).gitlab,
    ).toEqual({ secretToken: 'gitlab-token-0123456789' });
    expect(
      read({
        gitlab: {
          secretToken: 'gitlab-token-0123456789',
          apiToken: 'glpat-read-api-token',
        },
      }).gitlab?.api,
    ).toEqual({
      token: 'glpat-read-api-token',
      baseUrl: 'https://gitlab.com/api/v4',
    });
    expect(
      read({
        gitlab: {
          secretToken: 'gitlab-token-0123456789',
          apiToken: 'glpat-read-api-token',
          apiBaseUrl: 'https://gitlab.example.com/api/v4/',
        },
      }).gitlab?.api?.baseUrl,
    ).toBe('https://gitlab.example.com/api/v4');
    // Production's optional DORA_GITLAB_WEBHOOK_SECRET leaves an empty section when unset.
    expect(read({ gitlab: {} }).gitlab).toBeUndefined();
    expect(read().gitlab).toBeUndefined();
  });

  it.each([
    [{ bandYear: '2021' }, 'dora.bandYear'],
    [{ gitlab: { secretToken: 'short' } }, 'dora.gitlab.secretToken'],
    [
      { github: { webhookSecret: 'fifteen-chars-x' } },
      'dora.github.webhookSecret must be at least 16 characters',
    ],
    [
      { pagerduty: { webhookSecret: 'short' } },
      'dora.pagerduty.webhookSecret must be at least 16 characters',
    ],
    [
      { argocd: { token: 'short' } },
      'dora.argocd.token must be at least 16 characters',
    ],
    [{ gitlab: { branches: ['main'] } }, 'dora.gitlab.secretToken'],
    [
      {
        gitlab: {
          secretToken: 'gitlab-token-0123456789',
          apiToken: 'glpat-read-api-token',
          apiBaseUrl: 'gitlab.example.com',
        },
      },
      'dora.gitlab.apiBaseUrl must be an http(s) URL',
    ],
    [{ incidentFallbackHours: -1 }, 'dora.incidentFallbackHours'],
    [
      { sources: { deployer: { token: 'short' } } },
      'dora.sources.deployer.token',
    ],
  ])('rejects %o naming %s', (dora, key) => {
    expect(() => read(dora)).toThrow(key);
  });
});
