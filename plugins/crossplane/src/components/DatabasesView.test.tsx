import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import { PostgresInstanceSummary } from '@internal/plugin-crossplane-common';
import { CrossplaneApi, crossplaneApiRef } from '../api/CrossplaneApi';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { DatabasesView } from './DatabasesView';

const ready: PostgresInstanceSummary = {
  name: 'orders-db',
  namespace: 'team-payments',
  owner: 'payments',
  component: 'component:default/payments-api',
  size: 'small',
  environment: 'staging',
  provider: 'shared-server',
  secretName: 'orders-db-connection',
  endpoint: 'pg.local:5432',
  ready: true,
  synced: true,
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Available' },
    { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
  ],
  events: [
    {
      type: 'Normal',
      reason: 'CreatedDatabase',
      message: 'created database team_payments_orders_db',
      lastTimestamp: '2026-11-21T10:00:00.000Z',
    },
  ],
  object: {
    apiVersion: 'platform.fernhill.io/v1alpha1',
    kind: 'PostgreSQLInstance',
  },
};

const failing: PostgresInstanceSummary = {
  ...ready,
  name: 'ledger-db',
  ready: false,
  synced: false,
  secretName: 'ledger-db-connection',
  conditions: [
    {
      type: 'Synced',
      status: 'False',
      reason: 'ReconcileError',
      message: 'cannot connect to server',
    },
  ],
  events: [],
};

const paymentsDb = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'payments-db',
    namespace: 'default',
    title: 'Payments database',
    description: 'PostgreSQL database of payment attempts and refunds.',
  },
  spec: { type: 'database', owner: 'payments' },
};
const eventsTopic = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'order-events', namespace: 'default' },
  spec: { type: 'kafka-topic', owner: 'payments' },
};

function renderWith(api: CrossplaneApi, dependsOn: string[] = []) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [crossplaneApiRef, api],
        [
          catalogApiRef,
          catalogApiMock({ entities: [paymentsDb, eventsTopic] }),
        ],
      ]}
    >
      <DatabasesView
        componentRef="component:default/payments-api"
        dependsOn={dependsOn}
      />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('DatabasesView', () => {
  it('shows readiness, facts, conditions, events, how-to and the raw object', async () => {
    const listDatabases = jest.fn().mockResolvedValue([ready, failing]);
    await renderWith({ listDatabases });
    expect(await screen.findByText('orders-db')).toBeInTheDocument();
    expect(listDatabases).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    expect(screen.getByText('Ready', { selector: 'span' })).toBeInTheDocument();
    expect(screen.getByText(/Not ready: ReconcileError/)).toBeInTheDocument();
    expect(screen.getByText('cannot connect to server')).toBeInTheDocument();
    expect(
      screen.getAllByText('a database on the shared PostgreSQL server'),
    ).toHaveLength(2);
    expect(
      screen.getByText('created database team_payments_orders_db'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('orders-db-connection').length).toBeGreaterThan(
      0,
    );
    expect(screen.getAllByText('Kubernetes object')).toHaveLength(2);
    // Each database links to its Resource entity in the catalog.
    expect(
      screen.getByRole('link', { name: 'Resource orders-db' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/resource/team-payments.orders-db',
    );
    // CodeSnippet loads its highlighter lazily.
    await waitFor(() =>
      expect(document.body.textContent).toContain('secretKeyRef'),
    );
  });

  it('invites to request a database when there is none', async () => {
    await renderWith({ listDatabases: jest.fn().mockResolvedValue([]) });
    expect(await screen.findByText('No databases yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request a database' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/request-postgres-database',
    );
  });

  it('lists the databases the component depends on in the catalog, as its overview does', async () => {
    await renderWith({ listDatabases: jest.fn().mockResolvedValue([]) }, [
      'resource:default/payments-db',
      'resource:default/order-events',
    ]);
    expect(
      await screen.findByRole('link', { name: 'Payments database' }),
    ).toHaveAttribute('href', '/catalog/default/resource/payments-db');
    expect(
      screen.getByText(/not provisioned through the portal/),
    ).toBeInTheDocument();
    expect(screen.queryByText('order-events')).not.toBeInTheDocument();
    expect(screen.queryByText('No databases yet')).not.toBeInTheDocument();
  });
});
