import { expect, Page, test } from '@playwright/test';
import { waitForDoraDemoHistory } from './demoData';
import { backend, identityHeaders, openAsDemo, openAsGuest } from './signIn';

// The front doors: everyone lands on Home, and Home is the page of its audience. A developer
// (the guest, Priya Raman of Payments) sees their own services, their tasks, their team's
// databases and their team's DORA figures; a leader (the "Leadership demo", Amara Okafor) sees one
// screen with the DORA and adoption headline figures, their change against the previous period and
// what needs attention.

// A laptop's screen: the leader's scorecard fits it.
test.use({ viewport: { width: 1440, height: 900 } });

const shot = (page: Page, name: string) =>
  page.screenshot({
    path: `e2e-test-report/screenshots/${name}.png`,
    fullPage: true,
  });

test('a developer lands on Home with their services, tasks, databases and team DORA', async ({
  page,
  request,
}) => {
  // A task of the guest's that needs attention: a golden path refused for a taken name fails at
  // its first step, within seconds.
  const headers = await identityHeaders(request);
  const created = await request.post(`${backend}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: 'template:default/static-site',
      values: {
        name: 'payments-api',
        owner: 'group:default/payments',
        description: 'A taken name, refused by the home journey.',
        system: 'system:default/payments',
      },
    },
  });
  expect(created.status()).toBe(201);

  // The team's DORA figures come from the demo history, seeded just after the backend started.
  await waitForDoraDemoHistory(request);
  await openAsGuest(page, '/');
  await expect(page).toHaveURL(/\/home$/);
  await expect(
    page.getByRole('heading', { name: /Priya Raman/, level: 1 }),
  ).toBeVisible();

  const services = page.getByTestId('home-services');
  await expect(
    services.getByRole('link', { name: 'Payments API' }),
  ).toBeVisible();
  await expect(
    services.getByRole('link', { name: 'Search Indexer' }),
  ).toHaveCount(0);

  const tasks = page.getByTestId('home-tasks');
  await expect(tasks.getByText('Create static site')).toBeVisible();
  // Other journeys may have left failed tasks of the guest's too: one is enough here.
  await expect(tasks.getByText('failed').first()).toBeVisible();

  const databases = page.getByTestId('home-databases');
  await expect(
    databases.getByRole('link', { name: 'Payments database' }),
  ).toBeVisible();

  const dora = page.getByTestId('home-team-dora');
  await expect(dora.getByRole('link', { name: 'Payments' })).toBeVisible();
  await expect(dora).toContainText('Deployment frequency');
  await expect(dora).toContainText(/\/ (day|week)/);
  // The organisation-wide scorecard is for leadership and the platform team.
  await expect(page.getByTestId('home-scorecard')).toHaveCount(0);
  await shot(page, '40-home-developer');
});

test('a leader signs in with the Leadership demo and reads the scorecard on Home', async ({
  page,
}) => {
  await openAsDemo(page, '/', 'Leadership demo');
  await expect(page).toHaveURL(/\/home$/);
  await expect(
    page.getByRole('heading', { name: /Amara Okafor/, level: 1 }),
  ).toBeVisible();
  const scorecard = page.getByTestId('home-scorecard');
  await expect(scorecard).toBeVisible();
  for (const id of [
    'deploymentFrequency',
    'changeLeadTime',
    'changeFailureRate',
    'failedDeploymentRecoveryTime',
  ]) {
    const tile = scorecard.getByTestId(`scorecard-dora-${id}`);
    await expect(tile).toBeVisible();
    await expect(tile).toContainText(/previous 30 days/);
  }
  for (const id of ['coverage', 'selfService', 'usage', 'nps']) {
    await expect(
      scorecard.getByTestId(`scorecard-adoption-${id}`),
    ).toBeVisible();
  }
  await expect(scorecard.getByTestId('scorecard-adoption-nps')).toContainText(
    /−100 to \+100/,
  );
  await expect(
    scorecard.getByRole('heading', { name: 'Needs attention' }),
  ).toBeVisible();
  await expect(scorecard.getByTestId('scorecard-attention')).toContainText(
    /\S/,
  );
  // A leader owns no services: Home does not show them an empty developer page.
  await expect(page.getByTestId('home-services')).toHaveCount(0);
  // The figures open the dashboards behind them.
  // Backstage's LinkButton: a link with the role of a button.
  await scorecard.getByRole('button', { name: 'Open DORA' }).click();
  await expect(page).toHaveURL(/\/dora/);
  await page.goBack();
  await expect(page.getByTestId('home-scorecard')).toBeVisible();
  // One screen: the scorecard fits a laptop's viewport without scrolling.
  const box = await scorecard.boundingBox();
  expect(box && box.y + box.height).toBeLessThanOrEqual(
    page.viewportSize()!.height,
  );
  await shot(page, '41-home-leader');
});
