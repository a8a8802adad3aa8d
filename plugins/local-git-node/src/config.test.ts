import { ConfigReader } from '@backstage/config';
import { readLocalGitConfig, readPublishingTarget } from './config';

describe('readLocalGitConfig', () => {
  it('defaults to .data/git at the repository root and the backend URL', () => {
    const config = readLocalGitConfig(
      new ConfigReader({ backend: { baseUrl: 'http://localhost:7007' } }),
      { cwd: '/repo/packages/backend' },
    );
    expect(config).toEqual({
      dataDir: '/repo/.data/git',
      baseUrl: 'http://localhost:7007/api/local-git',
      author: { name: 'Fernhill Portal', email: 'portal@fernhill.local' },
    });
  });

  it('reads overrides', () => {
    const config = readLocalGitConfig(
      new ConfigReader({
        backend: { baseUrl: 'http://localhost:7007' },
        portal: {
          publishing: {
            local: {
              dataDir: '/srv/git',
              baseUrl: 'https://git.example/',
              author: { name: 'Bot', email: 'bot@example' },
            },
          },
        },
      }),
    );
    expect(config).toEqual({
      dataDir: '/srv/git',
      baseUrl: 'https://git.example',
      author: { name: 'Bot', email: 'bot@example' },
    });
  });
});

describe('readPublishingTarget', () => {
  it('is local by default', () => {
    expect(readPublishingTarget(new ConfigReader({}))).toBe('local');
  });
  it('reads github', () => {
    expect(
      readPublishingTarget(
        new ConfigReader({ portal: { publishing: { target: 'github' } } }),
      ),
    ).toBe('github');
  });
  it('reads gitlab', () => {
    expect(
      readPublishingTarget(
        new ConfigReader({ portal: { publishing: { target: 'gitlab' } } }),
      ),
    ).toBe('gitlab');
  });
  it('refuses anything else', () => {
    for (const target of ['bitbucket', 'GitHub', ' local']) {
      expect(() =>
        readPublishingTarget(
          new ConfigReader({ portal: { publishing: { target } } }),
        ),
      ).toThrow(/use local, github or gitlab/);
    }
  });
});
