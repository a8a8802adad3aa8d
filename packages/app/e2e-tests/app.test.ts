import { expect, Page, test } from '@playwright/test';

// The journey of a new developer on a fresh local portal: sign in as the demo guest, browse the
// demo catalog, open a component, open the create page. Each step leaves a screenshot in
// e2e-test-report/screenshots as evidence of what the user saw.
async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: `e2e-test-report/screenshots/${name}.png`,
    fullPage: true,
  });
}

test('a guest browses the demo catalog, a component and the create page', async ({
  page,
}) => {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await snapshot(page, '01-sign-in');
  await enter.click();

  // Home is the landing page (home.test.ts); the catalog is one click away in the sidebar. The
  // demo guest is on the Payments team, so it opens on the components they own; "All" shows the
  // whole demo organisation.
  await expect(page).toHaveURL(/\/home$/);
  await page.getByRole('link', { name: 'Catalog' }).first().click();
  await expect(page.getByRole('link', { name: 'Payments API' })).toBeVisible();
  // At Backstage's usual address, so shared catalog links work.
  await expect(page).toHaveURL(/\/catalog(\?|$)/);
  await expect(page.getByRole('link', { name: 'Search Indexer' })).toHaveCount(
    0,
  );
  await page.getByRole('menuitem', { name: /^All/ }).click();
  await expect(
    page.getByRole('link', { name: 'Search Indexer' }),
  ).toBeVisible();
  await snapshot(page, '02-catalog');

  await page.getByRole('link', { name: 'Payments API' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/payments-api/);
  await expect(
    page.getByText(
      'Authorises, captures and refunds payments across card and wallet providers.',
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'payments' }).first(),
  ).toBeVisible();
  await snapshot(page, '03-component');

  await page.goto('/create');
  await expect(
    page.getByRole('heading', { name: 'Create', level: 1 }),
  ).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Templates' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await snapshot(page, '04-create');
});
