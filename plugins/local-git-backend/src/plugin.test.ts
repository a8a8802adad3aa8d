import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { localGitPlugin } from './plugin';

describe('localGitPlugin', () => {
  it('serves the repository listing without a Backstage token', async () => {
    const dataDir = join(
      mkdtempSync(join(tmpdir(), 'local-git-plugin-')),
      'git',
    );
    const { server } = await startTestBackend({
      features: [
        localGitPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            portal: { publishing: { local: { dataDir } } },
          },
        }),
      ],
    });
    const res = await request(server).get('/api/local-git/').expect(200);
    expect(res.body).toEqual({ repositories: [] });
  });

  it('is off when publishing to GitHub', async () => {
    const { server } = await startTestBackend({
      features: [
        localGitPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            portal: { publishing: { target: 'github' } },
          },
        }),
      ],
    });
    const res = await request(server).get('/api/local-git/');
    expect(res.status).toBe(404);
  });
});
