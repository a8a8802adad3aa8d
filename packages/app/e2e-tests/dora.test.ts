import { expect, test } from '@playwright/test';
import { backend, identityHeaders, openAsGuest } from './signIn';

// DORA dashboards on the demo history (dora.demoData in app-config.yaml). The demo guest is a
// Payments engineer: the organisation-wide view is for leadership, so the page offers the team's.

test('a developer sees DORA metrics for a component and for their team', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  // The demo history is seeded while the backend starts, mapped to the demo components by their
  // own refs, so it is there as soon as the backend answers; the poll only absorbs a slow start.
  const headers = await identityHeaders(request);
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/dora/metrics?scope=service&ref=component:default/payments-api&window=30`,
          { headers },
        );
        return (
          (await response.json()).metrics?.deploymentFrequency?.eventCount ?? 0
        );
      },
      { timeout: 30_000, intervals: [2_000] },
    )
    .toBeGreaterThan(0);

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
  await page.getByRole('button', { name: 'group:default/payments' }).click();
  await expect(page.getByTestId('dora-metric-changeLeadTime')).toBeVisible();
  await expect(page.getByText('Services')).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'component:default/payments-api' }),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/06-team-dora.png',
    fullPage: true,
  });
});
