import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Schema, Validator } from 'jsonschema';
import { createCrossplanePostgresAction } from './createPostgres';
import {
  READY_STATUS,
  startTestControlPlane,
} from '../__testUtils__/testControlPlane';

// Integration tests against a real local control plane: 30 s like the other integration tests (one
// hit Jest's 5 s default under load).
jest.setTimeout(30_000);

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

  it('declares the validation rules in its input schema, for the scaffolder to check first', () => {
    const validator = new Validator();
    const errors = (value: object) =>
      validator
        .validate({ ...input, ...value }, action.schema!.input as Schema)
        .errors.map(e => e.property);
    expect(errors({})).toEqual([]);
    expect(errors({ name: 'Search_DB' })).toEqual(['instance.name']);
    expect(errors({ size: 'huge' })).toEqual(['instance.size']);
    expect(errors({ environment: 'qa' })).toEqual(['instance.environment']);
    expect(errors({ region: 'moon' })).toEqual(['instance.region']);
    expect(errors({ backupRetentionDays: 90 })).toEqual([
      'instance.backupRetentionDays',
    ]);
    expect(errors({ deletionPolicy: 'Retain' })).toEqual([
      'instance.deletionPolicy',
    ]);
    expect(errors({ component: '<b>payments</b>' })).toEqual([
      'instance.component',
    ]);
  });

  it('rejects a hostile component naming the field, before anything is written', async () => {
    for (const component of [
      "payments-api'); DROP DATABASE x; --",
      'component:default/../../kube-system/x',
      '<img src=x onerror=alert(1)>',
    ]) {
      await expect(
        action.handler(
          createMockActionContext({ input: { ...input, component } }),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^Invalid component: must be a component entity ref/,
        ),
      });
    }
    expect(await env.xrNames()).toEqual([]);
  });

  it('describes sizes as what they are on each class of service', () => {
    const size = (action.schema!.input as Schema).properties!.size;
    expect(size.description).toContain(
      'small: shared server up to 20 connections; RDS db.t4g.small (2 vCPU, 2 GiB RAM',
    );
    expect(size.description).not.toMatch(/1 vCPU/);
  });

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
    expect(ctx.output).toHaveBeenCalledWith('provider', 'shared-server');
    expect(ctx.output).toHaveBeenCalledWith(
      'classOfService',
      'a database on the shared PostgreSQL server',
    );
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
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/team-payments.search-db',
    );
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

  it('refuses with a ConflictError naming the owner a name another component has', async () => {
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            ...input,
            component: 'component:default/checkout-web',
            waitForReady: false,
          },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'Database team-payments/search-db already exists and belongs to component:default/payments-api of team payments; choose another name',
    });
  });

  it('stops waiting for Ready when the task is cancelled', async () => {
    const cancel = new AbortController();
    const ctx = {
      ...createMockActionContext({
        input: { ...input, name: 'cancelled-db', timeoutSeconds: 1800 },
      }),
      signal: cancel.signal,
    };
    const running = action.handler(ctx);
    // Cancel once the request is in the cluster and the wait has begun.
    while (!(await env.xrNames()).includes('cancelled-db')) {
      await new Promise(r => setTimeout(r, 10));
    }
    cancel.abort();
    await expect(running).rejects.toThrow(
      'Stopped waiting for database team-payments/cancelled-db to be Ready: the request was cancelled',
    );
    expect(ctx.output).not.toHaveBeenCalledWith('ready', true);
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
    const ctx = createMockActionContext({
      input: { ...input, timeoutSeconds: 1 },
    });
    const logged = jest.spyOn(ctx.logger, 'info');
    await expect(action.handler(ctx)).rejects.toThrow(
      'Synced=False (ReconcileError): role search-db already exists',
    );
    // The task log said why while it waited, not only when the wait gave up.
    expect(logged).toHaveBeenCalledWith(
      'PostgreSQLInstance team-payments/search-db is not Ready yet: Synced=False (ReconcileError): role search-db already exists',
    );
  });
});

describe('crossplane:postgres:create for a component created in the same run', () => {
  let env: Awaited<ReturnType<typeof startTestControlPlane>>;
  let action: ReturnType<typeof createCrossplanePostgresAction>;
  const newComponent = {
    ...input,
    name: 'brand-new-db',
    component: 'component:default/brand-new-service',
  };

  beforeAll(async () => {
    // The catalog does not know the component yet: catalog:register runs later in the template.
    env = await startTestControlPlane({ componentExists: async () => false });
    action = createCrossplanePostgresAction({ provisioning: env.provisioning });
  });
  afterAll(() => env?.stop());

  it('requests the database for a member of the owning team', async () => {
    const ctx = createMockActionContext({
      input: { ...newComponent, waitForReady: false },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'brand-new-db');
    expect(await env.xrNames()).toEqual(['brand-new-db']);
    // The policy could not judge a component it has never seen, so it was not asked.
    expect(env.permissions.authorize).not.toHaveBeenCalledWith(
      [expect.objectContaining({ resourceRef: newComponent.component })],
      expect.anything(),
    );
  });

  it('refuses someone outside the owning team with a clear error', async () => {
    await expect(
      action.handler(
        createMockActionContext({
          input: { ...newComponent, owner: 'search' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'it is not in the catalog yet, so only members of its owning team search may',
      ),
    });
  });
});
