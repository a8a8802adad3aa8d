import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createCrossplanePostgresAction } from './createPostgres';
import {
  READY_STATUS,
  startTestControlPlane,
} from '../__testUtils__/testControlPlane';

const input = {
  name: 'search-db',
  size: 'small' as const,
  environment: 'dev' as const,
  owner: 'payments',
  component: 'component:default/payments-api',
};

describe('crossplane:postgres:create', () => {
  let env: Awaited<ReturnType<typeof startTestControlPlane>>;
  let action: ReturnType<typeof createCrossplanePostgresAction>;

  beforeAll(async () => {
    env = await startTestControlPlane();
    action = createCrossplanePostgresAction({ provisioning: env.provisioning });
  });
  afterAll(() => env?.stop());

  it('rejects invalid input before anything is written', async () => {
    const ctx = createMockActionContext({
      input: { ...input, name: 'Search_DB' },
    });
    const checkpoint = jest.spyOn(ctx, 'checkpoint');
    await expect(action.handler(ctx)).rejects.toThrow(/Invalid name/);
    expect(checkpoint).not.toHaveBeenCalled();
    expect(await env.xrNames()).toEqual([]);
  });

  it('dry-runs with the API server dry run and writes nothing', async () => {
    const ctx = { ...createMockActionContext({ input }), isDryRun: true };
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'secretName',
      'search-db-connection',
    );
    expect(ctx.output).toHaveBeenCalledWith('ready', false);
    expect(await env.xrNames()).toEqual([]);
  });

  it('refuses initiators the policy denies', async () => {
    env.permissions.authorize.mockResolvedValueOnce([
      { result: AuthorizeResult.DENY },
    ]);
    await expect(
      action.handler(createMockActionContext({ input })),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(await env.xrNames()).toEqual([]);
  });

  it('applies, waits for Ready and does not repeat checkpointed work on recovery', async () => {
    const done = new Map<string, unknown>();
    const fnCalls: string[] = [];
    const checkpoint = async ({ key, fn }: { key: string; fn: () => any }) => {
      if (!done.has(key)) {
        fnCalls.push(key);
        done.set(key, await fn());
      }
      return done.get(key) as any;
    };
    const ctx = { ...createMockActionContext({ input }), checkpoint };
    await Promise.all([
      action.handler(ctx),
      env.setStatus('search-db', READY_STATUS),
    ]);
    expect(ctx.output).toHaveBeenCalledWith('ready', true);
    expect(ctx.output).toHaveBeenCalledWith(
      'endpoint',
      'postgres.example:5432',
    );
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'team-payments');
    expect(fnCalls).toEqual([
      'crossplane.postgres.apply.team-payments/search-db',
      'crossplane.postgres.ready.team-payments/search-db',
    ]);

    // A recovered task replays the handler: both steps come from their checkpoints.
    const recovered = { ...createMockActionContext({ input }), checkpoint };
    await action.handler(recovered);
    expect(fnCalls).toHaveLength(2);
    expect(recovered.output).toHaveBeenCalledWith('ready', true);
    expect(await env.xrNames()).toEqual(['search-db']);
  });

  it('fails a timed-out wait with the last condition message', async () => {
    await env.setStatus('search-db', {
      conditions: [
        {
          type: 'Synced',
          status: 'False',
          reason: 'ReconcileError',
          message: 'role search-db already exists',
        },
        { type: 'Ready', status: 'False', reason: 'Creating' },
      ],
    });
    await expect(
      action.handler(
        createMockActionContext({ input: { ...input, timeoutSeconds: 1 } }),
      ),
    ).rejects.toThrow(
      'Synced=False (ReconcileError): role search-db already exists',
    );
  });
});
