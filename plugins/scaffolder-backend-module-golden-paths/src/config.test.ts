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
});
