import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createTestStore } from '../__testUtils__/testUtils';
import { DoraFirstDeploys } from './DoraFirstDeploys';
import { ScaffolderTaskHistory } from './ScaffolderTaskHistory';

jest.setTimeout(30_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const discovery = mockServices.discovery();
const auth = mockServices.auth();

function fakeFetch(
  responses: Record<string, { status: number; body: unknown }>,
) {
  const calls: Array<{ url: string; authorization?: string }> = [];
  const fn = (async (url: string, init?: RequestInit) => {
    calls.push({ url, authorization: (init?.headers as any)?.Authorization });
    const path = new URL(url).pathname + new URL(url).search;
    const match = responses[path] ?? {
      status: 404,
      body: { error: { message: 'not found' } },
    };
    return new Response(JSON.stringify(match.body), {
      status: match.status,
      headers: { 'Content-Type': 'application/json' },
    });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

describe('ScaffolderTaskHistory', () => {
  it('lists newest first with a service token and maps 404 to undefined', async () => {
    const { fn, calls } = fakeFetch({
      '/api/scaffolder/v2/tasks?order=desc:created_at&limit=100&offset=200': {
        status: 200,
        body: {
          tasks: [
            {
              id: 't1',
              status: 'completed',
              createdAt: '2026-11-01T00:00:00Z',
            },
          ],
          totalTasks: 201,
        },
      },
      '/api/scaffolder/v2/tasks/t%2F1/events': {
        status: 200,
        body: [{ type: 'completion', createdAt: '2026-11-01T00:01:00Z' }],
      },
    });
    const history = new ScaffolderTaskHistory({ discovery, auth, fetch: fn });
    expect((await history.list(200, 100)).map(t => t.id)).toEqual(['t1']);
    expect(calls[0].authorization).toMatch(/^Bearer /);
    expect(await history.events('t/1')).toHaveLength(1);
    expect(await history.get('missing')).toBeUndefined();
  });

  it('surfaces other errors with the status', async () => {
    const { fn } = fakeFetch({
      '/api/scaffolder/v2/tasks?order=desc:created_at&limit=100&offset=0': {
        status: 403,
        body: { error: { name: 'NotAllowedError', message: 'no' } },
      },
    });
    await expect(
      new ScaffolderTaskHistory({ discovery, auth, fetch: fn }).list(0, 100),
    ).rejects.toThrow(/403/);
  });
});

describe('DoraFirstDeploys', () => {
  it('stores valid first deployments and skips malformed items', async () => {
    const { store } = await createTestStore(databases, 'SQLITE_3');
    const { fn } = fakeFetch({
      '/api/dora/first-deployments': {
        status: 200,
        body: {
          items: [
            {
              entityRef: 'component:default/Payments-API',
              firstProductionDeployAt: '2026-10-01T10:00:00Z',
            },
            {
              entityRef: 'component:default/bad',
              firstProductionDeployAt: 'never',
            },
            { firstProductionDeployAt: '2026-10-01T10:00:00Z' },
          ],
        },
      },
    });
    const source = new DoraFirstDeploys({
      discovery,
      auth,
      store,
      logger: mockServices.logger.mock(),
      fetch: fn,
    });
    expect(await source.refresh()).toBe(1);
    expect(await store.catalog.firstDeploys()).toEqual(
      new Map([
        ['component:default/payments-api', Date.parse('2026-10-01T10:00:00Z')],
      ]),
    );
  });

  it('leaves the stored figures alone when DORA has no such API', async () => {
    const { store } = await createTestStore(databases, 'SQLITE_3');
    await store.replaceFirstDeploys(new Map([['component:default/a', 1]]));
    const logger = mockServices.logger.mock();
    const source = new DoraFirstDeploys({
      discovery,
      auth,
      store,
      logger,
      fetch: fakeFetch({}).fn,
    });
    expect(await source.refresh()).toBeUndefined();
    expect(logger.warn).toHaveBeenCalled();
    expect((await store.catalog.firstDeploys()).size).toBe(1);
  });
});
