import { expect, test } from '@playwright/test';
import { deletePaymentsDatabase } from './controlPlane';
import {
  openDatabaseFormForPaymentsApi,
  submitDatabaseRequest,
} from './databaseForm';
import { backend, identityHeaders, openAsGuest } from './signIn';

// Self-service PostgreSQL through the form, as a developer does it: the Payments guest opens
// Create, chooses "Request a PostgreSQL database", fills the form for her component and clicks
// Create; the task waits for Ready, its output leads to the component's Databases tab, and the
// database appears in the catalog as a Resource owned by payments that the component depends on.
// (databases.test.ts covers the REST API path, the credentials and kubectl.)
const databaseName = `form-${Date.now().toString(36)}`;
const entityName = `team-payments.${databaseName}`;

test.afterAll(() => {
  deletePaymentsDatabase(databaseName, { ignoreNotFound: true });
});

test('a Payments engineer requests a database through the form', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const shot = (name: string) =>
    page.screenshot({
      path: `e2e-test-report/screenshots/${name}.png`,
      fullPage: true,
    });

  // Page 1: only components her teams own are offered.
  await openDatabaseFormForPaymentsApi(page);

  // Page 2: the form refuses an invalid name before anything is sent.
  const name = page.getByRole('textbox', { name: 'Database name' });
  await name.fill('Not_Valid');
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(
    page.getByText(/does not match pattern|must match pattern/i).first(),
  ).toBeVisible();
  await name.fill(databaseName);
  await shot('08-request-database-form');
  await submitDatabaseRequest(page, databaseName);

  // The task waits until the database is Ready, then shows its output.
  const tabLink = page.getByRole('link', {
    name: 'Databases tab of payments-api',
  });
  await expect(tabLink).toBeVisible({ timeout: 90_000 });
  await expect(
    page.getByText(`${databaseName}-connection`).first(),
  ).toBeVisible();
  await expect(page.getByText('secretKeyRef').first()).toBeVisible();
  await shot('09-request-database-done');

  await tabLink.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/payments-api\/databases/,
  );
  const card2 = page.locator('.MuiCard-root').filter({ hasText: databaseName });
  await expect(card2.getByText('Ready', { exact: true }).first()).toBeVisible();
  await shot('10-databases-tab-ready');

  // The Resource entity, owned by payments and linked to the component, within seconds.
  const headers = await identityHeaders(request);
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/catalog/entities/by-name/resource/default/${entityName}`,
          { headers },
        );
        if (!response.ok()) return undefined;
        const entity = await response.json();
        return {
          type: entity.spec.type,
          owner: entity.spec.owner,
          status: entity.metadata.annotations['fernhill.io/database-status'],
          dependencyOf: entity.relations
            .filter((r: { type: string }) => r.type === 'dependencyOf')
            .map((r: { targetRef: string }) => r.targetRef),
          ownedBy: entity.relations
            .filter((r: { type: string }) => r.type === 'ownedBy')
            .map((r: { targetRef: string }) => r.targetRef),
        };
      },
      { timeout: 30_000 },
    )
    .toEqual({
      type: 'database',
      owner: 'group:default/payments',
      status: 'Ready',
      dependencyOf: ['component:default/payments-api'],
      ownedBy: ['group:default/payments'],
    });

  // From the Databases tab to the entity page.
  await card2.getByRole('link', { name: `Resource ${databaseName}` }).click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/resource/${entityName.replace('.', '\\.')}`),
  );
  await expect(
    page.getByText(/for payments-api, requested through the portal/).first(),
  ).toBeVisible();
  await shot('11-database-resource-entity');

  // The component's overview lists it among the resources it depends on.
  await openAsGuest(page, '/catalog/default/component/payments-api');
  await expect(
    page.getByRole('link', { name: new RegExp(databaseName) }).first(),
  ).toBeVisible({ timeout: 30_000 });
  await shot('12-component-depends-on-database');
});
