import { expect, test } from '@playwright/test';
import { Client } from 'pg';
import { deletePaymentsDatabase, kubectl } from './controlPlane';
import { backend, identityHeaders, openAsGuest } from './signIn';

// Self-service PostgreSQL on the local control plane that `./portal start` runs: a Payments
// engineer requests a database for her component, sees it Ready on the Databases tab, and the
// credentials in the Secret connect; kubectl lists and deletes it as a platform engineer would.
const databaseName = 'checkout-e2e-db';

test('a Payments engineer gets a working database for her component', async ({
  page,
  request,
}) => {
  const headers = await identityHeaders(request);

  // A request for another team's component is refused, and nothing is created.
  const refused = await request.post(`${backend}/api/crossplane/postgres`, {
    headers,
    data: {
      name: 'not-mine-db',
      size: 'small',
      environment: 'staging',
      owner: 'search',
      component: 'component:default/search-api',
    },
  });
  expect(refused.status()).toBe(403);

  const created = await request.post(`${backend}/api/crossplane/postgres`, {
    headers,
    data: {
      name: databaseName,
      size: 'small',
      environment: 'staging',
      owner: 'payments',
      component: 'component:default/payments-api',
    },
  });
  expect(created.ok()).toBe(true);
  expect(JSON.stringify(await created.json())).not.toMatch(/password/i);

  await openAsGuest(page, '/catalog/default/component/payments-api/databases');
  await expect(page.getByText(databaseName).first()).toBeVisible();
  await expect(page.getByText('Ready', { exact: true }).first()).toBeVisible();
  await expect(
    page.getByText(`${databaseName}-connection`).first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/07-component-databases.png',
    fullPage: true,
  });

  expect(
    kubectl('get', 'postgresqlinstances', '-n', 'team-payments'),
  ).toContain(databaseName);
  const secret = JSON.parse(
    kubectl(
      'get',
      'secret',
      `${databaseName}-connection`,
      '-n',
      'team-payments',
      '-o',
      'json',
    ),
  );
  const field = (key: string) =>
    Buffer.from(secret.data[key], 'base64').toString('utf8');
  const client = new Client({ connectionString: field('uri') });
  await client.connect();
  const { rows } = await client.query('select current_database() as db');
  expect(rows[0].db).toBe(field('database'));
  await client.end();

  deletePaymentsDatabase(databaseName);
  expect(
    kubectl('get', 'postgresqlinstances', '-n', 'team-payments'),
  ).not.toContain(databaseName);
});
