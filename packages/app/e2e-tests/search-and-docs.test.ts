import { expect, test } from '@playwright/test';
import { backend, identityHeaders, openAsGuest } from './signIn';

// Search and docs as a new developer meets them. A word that occurs only in the body of a docs
// page (the Ledger Service's operations page, demo/docs/ledger-service), in no catalog entry, is
// found by search, also under the Documentation filter, and no search request fails (the filter's
// counts used to ask for a TechDocs index that did not exist: a 500 on every search load).
const docsOnlyWord = 'chargeback';
const docsPage = '/docs/default/component/ledger-service/operations/';

test("searching a word from a docs page's body finds the page, also under Documentation", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  // The portal builds the docs nobody opened yet shortly after it starts and indexes them.
  const headers = await identityHeaders(request);
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/search/query?term=${docsOnlyWord}&types%5B0%5D=techdocs`,
          { headers },
        );
        if (!response.ok()) return [`HTTP ${response.status()}`];
        const body = await response.json();
        return body.results.map(
          (r: { document: { location: string } }) => r.document.location,
        );
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toContainEqual(expect.stringContaining(docsPage));

  const failedSearches: string[] = [];
  page.on('response', response => {
    if (response.url().includes('/api/search/') && response.status() >= 500) {
      failedSearches.push(`${response.status()} ${response.url()}`);
    }
  });
  await openAsGuest(page, `/search?query=${docsOnlyWord}`);
  const docsResult = page.locator(`a[href*="${docsPage}"]`).first();
  await expect(docsResult).toBeVisible();
  // The same search narrowed to documentation.
  await page.getByText('Documentation', { exact: true }).first().click();
  await expect(page).toHaveURL(/techdocs/);
  await expect(docsResult).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/70-search-docs-text.png',
    fullPage: true,
  });
  await docsResult.click();
  await expect(
    page.getByRole('heading', { name: 'Nightly reconciliation' }),
  ).toBeVisible();
  expect(failedSearches).toEqual([]);
});

test("a demo service's docs show their content, and its TechDocs tab leads there", async ({
  page,
}) => {
  await openAsGuest(page, '/catalog/default/component/ledger-service');
  await page.getByRole('link', { name: 'TechDocs', exact: true }).click();
  // The page itself, well before the half minute the reader waits for a stylesheet it cannot
  // load (it shows the page only once every stylesheet loaded).
  await expect(
    page.getByText('balanced double-entry transaction').first(),
  ).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0, {
    timeout: 15_000,
  });
  await page.screenshot({
    path: 'e2e-test-report/screenshots/71-demo-service-docs.png',
    fullPage: true,
  });
});

test("the portal's own docs show their content at once, with no rebuild and no refresh prompt", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const entityPath = 'default/component/developer-portal';
  // Built shortly after the portal starts, like every unopened doc.
  const headers = await identityHeaders(request);
  const metadataUrl = `${backend}/api/techdocs/metadata/techdocs/${entityPath}`;
  await expect
    .poll(async () => (await request.get(metadataUrl, { headers })).status(), {
      timeout: 180_000,
      intervals: [5_000],
    })
    .toBe(200);
  const metadata = await (await request.get(metadataUrl, { headers })).json();
  // TechDocs checks a source again only a minute after its last build: a reader comes later.
  const sinceBuild = Date.now() - Number(metadata.build_timestamp ?? 0);
  if (sinceBuild < 65_000) {
    await page.waitForTimeout(65_000 - sinceBuild);
  }

  const synced = page.waitForEvent('requestfinished', {
    predicate: r => r.url().includes(`/api/techdocs/sync/${entityPath}`),
    timeout: 30_000,
  });
  await openAsGuest(page, `/catalog/${entityPath}`);
  await page.getByRole('link', { name: 'TechDocs', exact: true }).click();
  await expect(
    page.getByText('brings together the service catalog').first(),
  ).toBeVisible({ timeout: 15_000 });
  // The docs of a local folder used to be rebuilt on such a visit (checking every file of the checkout,
  // node_modules included: about half a minute under "A newer version ... is being prepared"),
  // then the reader asked for a refresh although nothing had changed.
  await expect(page.getByRole('progressbar')).toHaveCount(0, {
    timeout: 15_000,
  });
  await synced;
  await expect(
    page.getByText(/newer version of this documentation/),
  ).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Refresh' })).toHaveCount(0);
  await page.screenshot({
    path: 'e2e-test-report/screenshots/72-portal-own-docs.png',
    fullPage: true,
  });
});
