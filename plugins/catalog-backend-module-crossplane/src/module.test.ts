import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  EventsService,
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { POSTGRES_INSTANCE_CHANGED_TOPIC } from '@internal/plugin-crossplane-node';
import { resolve } from 'node:path';
import request from 'supertest';
import { READY_STATUS, startControlPlane } from './__testUtils__/controlPlane';
import { catalogModuleCrossplane } from './module';

jest.setTimeout(60_000);

/** Stands in for the crossplane plugin: gets hold of the events service to announce with. */
function announcer(onEvents: (events: EventsService) => void) {
  return createBackendPlugin({
    pluginId: 'announcer',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          onEvents(events);
        },
      });
    },
  });
}

describe('catalogModuleCrossplane in a backend with the real catalog', () => {
  let controlPlane: Awaited<ReturnType<typeof startControlPlane>>;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
  });
  afterAll(() => controlPlane?.stop());

  it('puts an announced database in the catalog within seconds, linked to its component', async () => {
    let events: EventsService | undefined;
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleCrossplane,
        announcer(e => {
          events = e;
        }),
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            // In-process delivery only: this backend has no events plugin, so the bus probe
            // (an HTTP call answered 404) is not part of what this test is about, and under
            // load it failed once with a reset connection.
            events: { useEventBus: 'never' },
            catalog: {
              locations: [
                {
                  type: 'file',
                  target: resolve(__dirname, '__fixtures__/catalog-info.yaml'),
                },
              ],
            },
            crossplane: {
              cluster: controlPlane.cluster,
              teamNamespaces: { payments: 'team-payments' },
              // Only the announcement may bring the database in during this test.
              catalog: {
                schedule: {
                  frequency: { hours: 1 },
                  timeout: { minutes: 1 },
                  initialDelay: { hours: 1 },
                },
              },
            },
          },
        }),
      ],
    });
    const get = (path: string) =>
      request(backend.server)
        .get(`/api/catalog${path}`)
        .set('Authorization', mockCredentials.user.header());
    const waitFor = async <T>(fn: () => Promise<T | undefined>) => {
      for (let i = 0; i < 200; i++) {
        const value = await fn();
        if (value !== undefined) return value;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error('timed out');
    };

    try {
      // The component is in the catalog (from its file location) before its database is requested.
      await waitFor(async () => {
        const response = await get(
          '/entities/by-name/component/default/payments-api',
        );
        return response.status === 200 ? true : undefined;
      });
      await controlPlane.createXr('team-payments', 'ledger-db', {
        owner: 'payments',
        component: 'component:default/payments-api',
      });
      await controlPlane.setStatus('team-payments', 'ledger-db', {
        ...READY_STATUS,
        secretName: 'ledger-db-connection',
      });
      await events!.publish({
        topic: POSTGRES_INSTANCE_CHANGED_TOPIC,
        eventPayload: { namespace: 'team-payments', name: 'ledger-db' },
      });

      const resource = await waitFor(async () => {
        const response = await get(
          '/entities/by-name/resource/default/team-payments.ledger-db',
        );
        return response.status === 200 ? response.body : undefined;
      });
      expect(resource.spec).toMatchObject({
        type: 'database',
        owner: 'group:default/payments',
        system: 'payments',
      });
      expect(resource.metadata.annotations).toMatchObject({
        'fernhill.io/database-status': 'Ready',
        'fernhill.io/database-secret-name': 'ledger-db-connection',
      });
      expect(resource.relations).toEqual(
        expect.arrayContaining([
          {
            type: 'dependencyOf',
            targetRef: 'component:default/payments-api',
          },
          { type: 'ownedBy', targetRef: 'group:default/payments' },
        ]),
      );

      // The component page's "depends on resources" card reads this relation.
      const component = await waitFor(async () => {
        const response = await get(
          '/entities/by-name/component/default/payments-api',
        );
        const relations: { type: string; targetRef: string }[] =
          response.body?.relations ?? [];
        return relations.some(
          r =>
            r.type === 'dependsOn' &&
            r.targetRef === 'resource:default/team-payments.ledger-db',
        )
          ? response.body
          : undefined;
      });
      expect(component.metadata.name).toBe('payments-api');
    } finally {
      await backend.stop();
    }
  });
});
