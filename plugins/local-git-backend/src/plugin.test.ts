import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestRepositories } from './__testUtils__/testRepositories';
import { localGitPlugin } from './plugin';

describe('localGitPlugin', () => {
  it('lets git clone without a Backstage token, but lists repositories and files only to signed-in users', async () => {
    const repos = await createTestRepositories();
    try {
      const { server } = await startTestBackend({
        features: [
          localGitPlugin,
          mockServices.rootConfig.factory({
            data: {
              backend: { baseUrl: 'http://localhost:7007' },
              portal: { publishing: { local: { dataDir: repos.dataDir } } },
            },
          }),
        ],
      });
      for (const path of [
        '/api/local-git/',
        '/api/local-git/orders-api/tree/main/',
        '/api/local-git/orders-api/blob/main/catalog-info.yaml',
        '/api/local-git/orders-api',
      ]) {
        const anonymous = await request(server)
          .get(path)
          .set('Authorization', mockCredentials.none.header());
        expect({ path, status: anonymous.status }).toEqual({
          path,
          status: 401,
        });
      }
      const listing = await request(server)
        .get('/api/local-git/')
        .set('Authorization', mockCredentials.user.header());
      expect(listing.status).toBe(200);
      expect(
        listing.body.repositories.map((r: { name: string }) => r.name),
      ).toEqual(['orders-api']);

      const refs = await request(server)
        .get('/api/local-git/orders-api.git/info/refs?service=git-upload-pack')
        .set('Authorization', mockCredentials.none.header());
      expect(refs.status).toBe(200);
      expect(refs.headers['content-type']).toBe(
        'application/x-git-upload-pack-advertisement',
      );
      const dumb = await request(server)
        .get('/api/local-git/orders-api.git/HEAD')
        .set('Authorization', mockCredentials.none.header());
      expect(dumb.status).toBe(200);
    } finally {
      await repos.cleanup();
    }
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
