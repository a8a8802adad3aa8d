import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { PostgresProvisioningService } from '@internal/plugin-crossplane-node';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';

// The router alone, with a provisioning service that only records what it is asked: what the
// router does with a client that hangs up while it waits for Ready.
describe('createRouter', () => {
  it('stops waiting for Ready when the client hangs up', async () => {
    let waitSignal: AbortSignal | undefined;
    const provisioning = {
      create: jest.fn(async () => ({
        name: 'orders-db',
        namespace: 'team-payments',
        secretName: 'orders-db-connection',
        provider: 'shared-server',
        dryRun: false,
        ready: false,
      })),
      waitForReady: jest.fn(
        (
          _ns: string,
          _name: string,
          _ms: number,
          options?: { signal?: AbortSignal },
        ) =>
          new Promise((_resolve, reject) => {
            waitSignal = options?.signal;
            waitSignal?.addEventListener('abort', () =>
              reject(new Error('aborted')),
            );
          }),
      ),
    } as unknown as PostgresProvisioningService;
    const app = express()
      .use(
        await createRouter({
          provisioning,
          httpAuth: mockServices.httpAuth(),
          logger: mockServices.logger.mock(),
        }),
      )
      .use(mockErrorHandler());

    const server = app.listen(0);
    try {
      const hungUp = request(server)
        .post('/postgres')
        .send({
          name: 'orders-db',
          size: 'small',
          environment: 'staging',
          owner: 'payments',
          component: 'component:default/payments-api',
          waitForReadySeconds: 300,
        })
        .then(
          () => 'answered',
          () => 'hung up',
        );
      while (!waitSignal) await new Promise(r => setImmediate(r));
      expect(waitSignal.aborted).toBe(false);
      expect(
        (provisioning.waitForReady as jest.Mock).mock.calls[0].slice(0, 3),
      ).toEqual(['team-payments', 'orders-db', 300_000]);
      // The connection goes away (a CLI interrupted with Ctrl-C, a proxy timing out).
      server.closeAllConnections();
      while (!waitSignal.aborted) await new Promise(r => setImmediate(r));
      expect(await hungUp).toBe('hung up');
    } finally {
      server.close();
    }
  });
});
