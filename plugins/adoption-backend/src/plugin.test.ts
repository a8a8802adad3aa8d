import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { adoptionPlugin } from './plugin';
import { testAdoptionConfig } from './__testUtils__/testUtils';

jest.setTimeout(30_000);

async function start(result: 'ALLOW' | 'DENY' = 'ALLOW') {
  const { server } = await startTestBackend({
    features: [
      adoptionPlugin,
      mockServices.rootConfig.factory({
        data: { adoption: testAdoptionConfig },
      }),
      catalogServiceMock.factory({ entities: [] }),
      mockServices.permissions.factory({ result }),
    ],
  });
  return server;
}

describe('adoptionPlugin', () => {
  it('takes adoption events from a service and serves the summary to an allowed user', async () => {
    const server = await start();
    const events = await request(server)
      .post('/api/adoption/events')
      .set('Authorization', mockCredentials.service.header())
      .send({
        events: [
          {
            id: 'task-9:template-run',
            type: 'template-run',
            occurredAt: new Date().toISOString(),
            templateRef: 'template:default/go-service',
            taskId: 'task-9',
            owner: 'group:default/search',
            status: 'completed',
          },
        ],
      });
    expect(events.status).toBe(202);
    const summary = await request(server)
      .get('/api/adoption/summary?window=30')
      .set('Authorization', mockCredentials.user.header());
    expect(summary.status).toBe(200);
    expect(summary.body.templateRuns.count).toBe(1);
    expect((await request(server).get('/api/adoption/health')).status).toBe(
      200,
    );
  });

  it('registers the permissions it checks, the leadership one included, with the permission integration', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/adoption/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(
      res.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual(['adoption.tickets.import', 'leadership.dashboards.read']);
  });

  it('answers 403 on the dashboards API without the permission, 401 with bad credentials', async () => {
    const server = await start('DENY');
    const summary = await request(server)
      .get('/api/adoption/summary')
      .set('Authorization', mockCredentials.user.header());
    expect(summary.status).toBe(403);
    expect(summary.body.error.name).toBe('NotAllowedError');
    expect(
      (
        await request(server)
          .get('/api/adoption/summary')
          .set('Authorization', mockCredentials.user.invalidHeader())
      ).status,
    ).toBe(401);
  });
});
