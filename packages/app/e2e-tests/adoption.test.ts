import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { waitForTaskCompleted } from './scaffolderTasks';
import { backend, identityHeaders, openAsDemo, openAsGuest } from './signIn';

// Adoption dashboards on the demo data (adoption.demoData, seeded after the DORA demo history).
// The guest is a Payments engineer and is told the page is for leadership and the platform team;
// the local demo's second identity, "Platform team demo" (Chloé Dubois), sees the figures, imports
// tickets, and runs a golden path whose outcome moves the coverage and template-run figures.

const runId = Date.now().toString(36);

const shot = (page: Page, name: string) =>
  page.screenshot({
    path: `e2e-test-report/screenshots/${name}.png`,
    fullPage: true,
  });

/** Opens a page fresh, signing in as the Platform team demo identity when asked. */
const openAsPlatform = (page: Page, path: string) =>
  openAsDemo(page, path, 'Platform team demo');

async function summary(
  request: APIRequestContext,
  headers: object,
  windowDays = 90,
) {
  const response = await request.get(
    `${backend}/api/adoption/summary?window=${windowDays}`,
    {
      headers: headers as Record<string, string>,
    },
  );
  expect(response.status()).toBe(200);
  return response.json();
}

test('a Payments engineer is told who the adoption dashboards are for', async ({
  page,
  request,
}) => {
  const response = await request.get(`${backend}/api/adoption/summary`, {
    headers: await identityHeaders(request),
  });
  expect(response.status()).toBe(403);
  await openAsGuest(page, '/adoption');
  await expect(
    page.getByText(
      /adoption dashboards are for the leadership groups and the platform team/,
    ),
  ).toBeVisible();
});

test('the platform team reads adoption, imports tickets and sees a golden-path run counted', async ({
  page,
  request,
}) => {
  test.setTimeout(600_000);
  const headers = await identityHeaders(request, 'demo-platform');

  // The demo is seeded once DORA's demo history has first deployments (a minute or two after start).
  await expect
    .poll(
      async () => {
        const s = await summary(request, headers);
        return (
          s.templateRuns.count > 0 && s.timeToFirstDeploy.overall.deployed > 0
        );
      },
      { timeout: 300_000, intervals: [5_000] },
    )
    .toBe(true);
  const before = await summary(request, headers);

  await openAsPlatform(page, '/adoption');
  await expect(
    page.getByRole('heading', { name: 'Adoption' }).first(),
  ).toBeVisible();
  for (const id of [
    'coverage',
    'templateRuns',
    'timeToFirstDeploy',
    'selfService',
    'usage',
    'nps',
    'roi',
  ]) {
    await expect(page.getByTestId(`adoption-measure-${id}`)).toBeVisible();
  }
  await expect(page.getByTestId('adoption-measure-coverage')).toContainText(
    /target ≥ 80%/,
  );
  await expect(
    page.getByTestId('adoption-measure-timeToFirstDeploy'),
  ).toContainText(/target ≤ 24 h/);
  await expect(page.getByText('Golden-path coverage by team')).toBeVisible();
  // Teams by their catalog names with links, not as refs.
  await expect(
    page.getByRole('link', { name: 'Payments', exact: true }).first(),
  ).toBeVisible();
  await expect(page.getByText('Where template runs fail')).toBeVisible();
  await shot(page, '30-adoption-demo');

  // A ticket CSV import lowers the no-ticket share: 12 database tickets opened today, one bad row.
  const selfService = page.getByTestId('adoption-measure-selfService');
  const shareBefore = await selfService.locator('p').first().innerText();
  const now = new Date().toISOString();
  const csv = [
    'external_id,category,opened_at,resolved_at,team',
    ...Array.from(
      { length: 12 },
      (_, i) => `E2E-${runId}-${i},database,${now},,group:default/payments`,
    ),
    `E2E-${runId}-bad,database,yesterday,,`,
  ].join('\n');
  await page.getByTestId('adoption-ticket-upload').setInputFiles({
    name: 'tickets.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  const report = page.getByTestId('adoption-import-report');
  await expect(report).toContainText('Imported 12 tickets');
  await expect(report).toContainText(/Row 14 \(E2E-.*-bad\): openedAt/);
  await expect(selfService.locator('p').first()).not.toHaveText(shareBefore);
  const afterImport = await summary(request, headers);
  expect(afterImport.selfService.overall.tickets).toBe(
    before.selfService.overall.tickets + 12,
  );
  expect(afterImport.selfService.overall.noTicketShare).toBeLessThan(
    before.selfService.overall.noTicketShare,
  );
  await shot(page, '31-adoption-ticket-import');

  // A golden-path run (C2's static-site template) moves the coverage and template-run figures.
  const name = `adoption-e2e-${runId}`;
  const created = await request.post(`${backend}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: 'template:default/static-site',
      values: {
        name,
        owner: 'group:default/platform',
        description: 'Created by the adoption browser journey.',
        system: 'system:default/developer-platform',
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id: taskId } = await created.json();
  await waitForTaskCompleted(request, headers, taskId);
  await expect
    .poll(
      async () => {
        const s = await summary(request, headers);
        return (
          s.templateRuns.count > afterImport.templateRuns.count &&
          s.coverage.overall.components >
            afterImport.coverage.overall.components &&
          s.coverage.overall.fromTemplate >
            afterImport.coverage.overall.fromTemplate
        );
      },
      { timeout: 240_000, intervals: [5_000] },
    )
    .toBe(true);
  const afterRun = await summary(request, headers);
  expect(
    afterRun.templateRuns.templates.map((t: any) => t.templateRef),
  ).toContain('template:default/static-site');
  // The page opens on the last 30 days, the dashboards' shared default window.
  const shown = await summary(request, headers, 30);
  await openAsPlatform(page, '/adoption');
  await expect(page.getByTestId('adoption-measure-templateRuns')).toContainText(
    String(shown.templateRuns.count),
  );
  await expect(page.getByTestId('adoption-measure-coverage')).toContainText(
    `${shown.coverage.overall.fromTemplate} of ${shown.coverage.overall.components} components`,
  );
  await shot(page, '32-adoption-after-golden-path');
});
