import { expect, test } from '@playwright/test';
import { backend, openAsGuest } from './signIn';

// Dead ends a new developer met: pages and tabs that led nowhere.

test('a developer meets no dead ends: no template editor, no visualizer, no empty docs tab', async ({
  page,
}) => {
  await openAsGuest(page, '/create');
  await expect(
    page.getByRole('heading', { name: 'Create', level: 1 }),
  ).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Template Editor' })).toHaveCount(
    0,
  );
  await expect(page.getByRole('link', { name: 'Template Editor' })).toHaveCount(
    0,
  );

  // The extension visualizer is a portal developer's tool, not in the sidebar.
  await expect(page.getByRole('link', { name: 'Visualizer' })).toHaveCount(0);

  // A demo component without docs has no TechDocs tab...
  await page.goto('/catalog/default/component/payments-api');
  // The entity page's tabs are links.
  await expect(page.getByRole('link', { name: 'Databases' })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'TechDocs', exact: true }),
  ).toHaveCount(0);
  // ...and the portal's own entry, which has docs, keeps it.
  await page.goto('/catalog/default/component/developer-portal');
  await expect(
    page.getByRole('link', { name: 'TechDocs', exact: true }),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/60-no-dead-ends.png',
    fullPage: true,
  });
});

test("a component's Databases tab lists the databases its overview lists", async ({
  page,
}) => {
  await openAsGuest(page, '/catalog/default/component/payments-api');
  await expect(
    page.getByRole('link', { name: 'Payments database' }).first(),
  ).toBeVisible();
  await page.getByRole('link', { name: 'Databases', exact: true }).click();
  await expect(
    page.getByRole('link', { name: 'Payments database' }),
  ).toBeVisible();
  await expect(page.getByText('No databases yet')).toHaveCount(0);
  await page.screenshot({
    path: 'e2e-test-report/screenshots/61-databases-tab-catalog-databases.png',
    fullPage: true,
  });
});

test('the catalog graph opens on the demo domain, not an empty canvas', async ({
  page,
}) => {
  await openAsGuest(page, '/catalog-graph');
  const graph = page.locator('svg#dependency-graph');
  await expect(graph.getByText(/commerce/i).first()).toBeVisible();
  await expect(graph.getByText(/checkout/i).first()).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/62-catalog-graph.png',
    fullPage: true,
  });
});

test('a signed-in developer opens links into the local Git host before opening any docs', async ({
  page,
}) => {
  await openAsGuest(page, '/catalog');
  await expect(page.locator('table tbody tr').first()).toBeVisible();
  // A link into the backend opened in another tab of the same browser, as "View source" does;
  // it answered 401 until the developer had opened some TechDocs.
  const tab = await page.context().newPage();
  await expect(async () => {
    const response = await tab.goto(`${backend}/api/local-git/`);
    expect(response?.status()).toBe(200);
  }).toPass({ timeout: 15_000 });
});
