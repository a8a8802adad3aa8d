import { ConfigReader } from '@backstage/config';
import { readGoldenPathsPublishingConfig } from './config';

describe('readGoldenPathsPublishingConfig', () => {
  it('publishes locally by default', () => {
    expect(readGoldenPathsPublishingConfig(new ConfigReader({}))).toEqual({
      target: 'local',
    });
  });

  it('reads the GitHub owner and defaults', () => {
    expect(
      readGoldenPathsPublishingConfig(
        new ConfigReader({
          portal: {
            publishing: { target: 'github', github: { owner: 'fernhill' } },
          },
        }),
      ),
    ).toEqual({
      target: 'github',
      github: {
        owner: 'fernhill',
        host: 'github.com',
        repoVisibility: 'private',
      },
    });
  });

  it('requires an owner for GitHub and a known visibility', () => {
    expect(() =>
      readGoldenPathsPublishingConfig(
        new ConfigReader({ portal: { publishing: { target: 'github' } } }),
      ),
    ).toThrow(/portal.publishing.github/);
    expect(() =>
      readGoldenPathsPublishingConfig(
        new ConfigReader({
          portal: {
            publishing: {
              target: 'github',
              github: { owner: 'fernhill', repoVisibility: 'secret' },
            },
          },
        }),
      ),
    ).toThrow(/use private, internal or public/);
  });

  it('reads the GitLab group and defaults', () => {
    expect(
      readGoldenPathsPublishingConfig(
        new ConfigReader({
          portal: {
            publishing: {
              target: 'gitlab',
              gitlab: { group: 'platform/services' },
            },
          },
        }),
      ),
    ).toEqual({
      target: 'gitlab',
      gitlab: {
        group: 'platform/services',
        host: 'gitlab.com',
        repoVisibility: 'private',
      },
    });
    expect(
      readGoldenPathsPublishingConfig(
        new ConfigReader({
          portal: {
            publishing: {
              target: 'gitlab',
              gitlab: {
                group: 'fernhill',
                host: 'gitlab.fernhill.example',
                repoVisibility: 'internal',
                registry: 'gitlab.fernhill.example:5050',
              },
              github: { owner: 'ignored' },
            },
          },
        }),
      ).gitlab,
    ).toEqual({
      group: 'fernhill',
      host: 'gitlab.fernhill.example',
      repoVisibility: 'internal',
      registry: 'gitlab.fernhill.example:5050',
    });
  });

  it('requires a GitLab group and says which key', () => {
    for (const gitlab of [undefined, {}, { group: '' }, { group: '  ' }]) {
      expect(() =>
        readGoldenPathsPublishingConfig(
          new ConfigReader({
            portal: { publishing: { target: 'gitlab', gitlab } },
          }),
        ),
      ).toThrow(
        /Missing portal.publishing.gitlab.group: it is required when portal.publishing.target is gitlab/,
      );
    }
  });

  it('refuses a malformed GitLab group, host or visibility', () => {
    const read = (gitlab: Record<string, string>) => () =>
      readGoldenPathsPublishingConfig(
        new ConfigReader({
          portal: { publishing: { target: 'gitlab', gitlab } },
        }),
      );
    for (const group of [
      '/fernhill',
      'fernhill/',
      'a//b',
      'fern hill',
      'fernhill?owner=evil',
      'fernhill&repo=x',
      '../etc',
      'fernhill.git',
    ]) {
      expect(read({ group })).toThrow(/Invalid portal.publishing.gitlab.group/);
    }
    for (const host of ['https://gitlab.com', 'gitlab.com/x', 'gitlab.com?a']) {
      expect(read({ group: 'fernhill', host })).toThrow(
        /Invalid portal.publishing.gitlab.host/,
      );
    }
    expect(
      read({ group: 'fernhill', registry: 'https://registry.gitlab.com' }),
    ).toThrow(
      /Invalid portal.publishing.gitlab.registry "https:\/\/registry.gitlab.com": use a host name such as registry.gitlab.com/,
    );
    expect(read({ group: 'fernhill', repoVisibility: 'secret' })).toThrow(
      /Invalid portal.publishing.gitlab.repoVisibility "secret": use private, internal or public/,
    );
  });
});
