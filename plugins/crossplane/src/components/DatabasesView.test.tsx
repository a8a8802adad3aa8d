import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import { PostgresInstanceSummary } from '@internal/plugin-crossplane-common';
import { CrossplaneApi, crossplaneApiRef } from '../api/CrossplaneApi';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
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

function renderWith(api: CrossplaneApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[crossplaneApiRef, api]]}>
      <DatabasesView componentRef="component:default/payments-api" />
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
});
