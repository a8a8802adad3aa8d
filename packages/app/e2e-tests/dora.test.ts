import { expect, test } from '@playwright/test';
import { waitForDoraDemoHistory } from './demoData';
import { backend, openAsDemo, openAsGuest } from './signIn';

// DORA dashboards on the demo history (dora.demoData in app-config.yaml). The demo guest is a
// Payments engineer: the organisation-wide view is for leadership, so the page offers the team's.

test('a developer sees DORA metrics for a component and for their team', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  // The demo history is seeded by a task once the backend has started (mapped to the demo
  // components by their own refs): a journey right after a fresh start waits for it.
  await waitForDoraDemoHistory(request);

  await openAsGuest(page, '/catalog/default/component/payments-api/dora');
  const frequency = page.getByTestId('dora-metric-deploymentFrequency');
  await expect(frequency).toBeVisible();
  await expect(frequency).toContainText(/\/ (day|week)/);
  await expect(frequency).toContainText(/elite|high|medium|low/);
  await expect(page.getByText('Weekly trend')).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/05-component-dora.png',
    fullPage: true,
  });

  // A custom range of whole UTC days next to the fixed windows.
  const day = (daysAgo: number) =>
    new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  await page.getByText('Last 30 days').click();
  await page.getByRole('option', { name: 'Custom range' }).click();
  await page.getByLabel('From date').fill(day(20));
  await page.getByLabel('To date').fill(day(6));
  await expect(page.getByText(`${day(20)} to ${day(6)}`)).toBeVisible();
  await expect(frequency).toContainText(/\/ (day|week)/);
  await page.getByLabel('From date').fill(day(3));
  await expect(
    page.getByText('The start date must be on or before the end date.'),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/05b-component-dora-custom-range.png',
    fullPage: true,
  });

  await openAsGuest(page, '/dora');
  await expect(
    page.getByText(/Organisation-wide figures are for the leadership groups/),
  ).toBeVisible();
  // Teams and services by their catalog names, never as refs.
  await page.getByRole('button', { name: 'Payments' }).click();
  await expect(page).toHaveURL(/\/dora\?team=group%3Adefault%2Fpayments/);
  await expect(page.getByTestId('dora-metric-changeLeadTime')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Services' })).toBeVisible();
  await expect(page.getByText(/group:default\/payments/)).toHaveCount(0);
  await page.getByRole('link', { name: 'Payments API' }).click();
  await expect(page).toHaveURL(/service=component%3Adefault%2Fpayments-api/);
  await expect(page.getByTestId('dora-metric-changeLeadTime')).toBeVisible();
  // The drill-down is in the address: Back returns to the team, not away from the page.
  await page.goBack();
  await expect(page).toHaveURL(/\/dora\?team=group%3Adefault%2Fpayments$/);
  await expect(page.getByRole('link', { name: 'Payments API' })).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/06-team-dora.png',
    fullPage: true,
  });
});

test('the platform team follows the unmapped row to the sources no component claims', async ({
  page,
  request,
}) => {
  // An event from a source no component claims: a GitHub repository nobody annotated.
  const sent = await request.post(`${backend}/api/dora/events`, {
    headers: { Authorization: 'Bearer local-dora-token-0001' },
    data: {
      type: 'deployment',
      id: `unmapped-e2e-${Date.now()}`,
      service: 'fernhill/orphan-service',
      serviceKeyType: 'github',
      environment: 'production',
      status: 'success',
      startedAt: new Date(Date.now() - 600_000).toISOString(),
      finishedAt: new Date(Date.now() - 300_000).toISOString(),
    },
  });
  expect(sent.status()).toBeLessThan(300);

  await openAsDemo(page, '/dora', 'Platform team demo');
  const unmapped = page.getByRole('link', {
    name: 'Sources no component claims',
  });
  await expect(unmapped).toBeVisible();
  // Figures first: the tiles come before the methodology that explains them.
  const tile = await page
    .getByTestId('dora-metric-deploymentFrequency')
    .boundingBox();
  const methodology = await page
    .getByText('How these figures are worked out')
    .boundingBox();
  expect(tile!.y).toBeLessThan(methodology!.y);
  await unmapped.click();
  await expect(page).toHaveURL(/\/dora\?view=unmapped/);
  await expect(page.getByText('Request failed')).toHaveCount(0);
  await expect(
    page.getByText('fernhill/orphan-service', { exact: true }),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/07-dora-unmapped-sources.png',
    fullPage: true,
  });
  await page.goBack();
  await expect(unmapped).toBeVisible();
});
