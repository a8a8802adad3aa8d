import { expect, Page, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl } from './controlPlane';
import { backend, identityHeaders, openAsGuest } from './signIn';

// The golden path as a new developer walks it: the Payments guest opens Create, picks "Create
// TypeScript service", asks for a database, clicks Create, and follows the task's link to her new
// component: owned by payments, its source on the portal's Git host, its TechDocs rendered from the
// skeleton's docs, and its database on the Databases tab. A taken name is refused before anything
// is created.
const serviceName = `gp-${Date.now().toString(36)}`;

const shot = (page: Page, name: string) =>
  page.screenshot({
    path: `e2e-test-report/screenshots/${name}.png`,
    fullPage: true,
  });

/** Opens Create, chooses the TypeScript template and fills the first page. */
async function fillServicePage(page: Page, name: string) {
  await openAsGuest(page, '/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Create TypeScript service' });
  await card.getByRole('button', { name: 'Choose' }).click();

  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  const owner = page.getByRole('textbox', { name: 'Owning team' });
  await owner.click();
  await owner.fill('payments');
  await page
    .getByRole('option', { name: /payments/i })
    .first()
    .click();
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Keeps track of gift cards bought at checkout.');
  const system = page.getByRole('textbox', { name: 'System' });
  await system.click();
  await system.fill('checkout');
  await page
    .getByRole('option', { name: /checkout/i })
    .first()
    .click();
}

test.afterAll(() => {
  kubectl(
    'delete',
    'deployment',
    serviceName,
    '-n',
    'team-payments',
    '--ignore-not-found',
  );
  // One database per environment: <name>-staging and <name>-prod.
  kubectl(
    'delete',
    'postgresqlinstance',
    `${serviceName}-staging`,
    `${serviceName}-prod`,
    '-n',
    'team-payments',
    '--ignore-not-found',
    '--wait=true',
  );
});

test('a Payments engineer creates a TypeScript service with a database', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);

  // The form refuses a bad name before anything is sent.
  await fillServicePage(page, 'Bad_Name');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(/does not match pattern|must match pattern/i).first(),
  ).toBeVisible();
  await page
    .getByRole('textbox', { name: 'Name', exact: true })
    .fill(serviceName);
  await shot(page, '20-golden-path-form');
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 2: the size appears only once a database is asked for.
  await expect(page.getByText('Database size')).toHaveCount(0);
  await page.getByRole('radio', { name: 'Yes' }).check();
  await expect(page.getByText('Database size').first()).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(serviceName).first()).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task finishes and links to the new component.
  const openInCatalog = page.getByRole('link', { name: 'Open in catalog' });
  await expect(openInCatalog).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('link', { name: 'Repository' })).toBeVisible();
  await shot(page, '21-golden-path-task-done');
  await openInCatalog.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${serviceName}`),
  );

  // Owner and source location on the About card.
  await expect(
    page.getByRole('link', { name: /^payments$/i }).first(),
  ).toBeVisible();
  const source = page.getByRole('link', { name: /view source/i });
  await expect(source).toHaveAttribute(
    'href',
    new RegExp(`/api/local-git/.*${serviceName}`),
  );
  const sourceHref = (await source.getAttribute('href'))!;
  await shot(page, '22-golden-path-component');

  // The entity itself: owner, database dependency and provenance.
  const headers = await identityHeaders(request);
  const entity = await (
    await request.get(
      `${backend}/api/catalog/entities/by-name/component/default/${serviceName}`,
      { headers },
    )
  ).json();
  expect(entity.spec.owner).toBe('group:default/payments');
  expect(entity.metadata.annotations).toMatchObject({
    'backstage.io/source-template': 'template:default/typescript-service',
    'fernhill.io/template-version': '2.1.0',
  });

  // The Kubernetes tab asks the backend for the component's objects on the local control plane:
  // in its namespace (backstage.io/kubernetes-namespace), only the kinds the portal's role may read.
  // With a workload of the service there (as Argo CD would create it), the cluster answers with it
  // and without errors; before templates 2.0.0 every kind was refused (403).
  expect(entity.metadata.annotations).toMatchObject({
    'backstage.io/kubernetes-namespace': 'team-payments',
  });
  const manifest = join(mkdtempSync(join(tmpdir(), 'gp-')), 'deployment.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: serviceName,
        namespace: 'team-payments',
        labels: { 'backstage.io/kubernetes-id': serviceName },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: serviceName } },
        template: {
          metadata: { labels: { app: serviceName } },
          spec: { containers: [{ name: 'app', image: 'example:1' }] },
        },
      },
    }),
  );
  kubectl('create', '-f', manifest);
  const workloads = await request.post(
    `${backend}/api/kubernetes/services/${serviceName}`,
    { headers, data: { entity } },
  );
  expect(workloads.status()).toBe(200);
  const clusters = (await workloads.json()).items as Array<{
    cluster: { name: string };
    errors: unknown[];
    resources: Array<{ type: string; resources: unknown[] }>;
  }>;
  expect(
    clusters.map(c => ({
      cluster: c.cluster.name,
      errors: c.errors,
      deployments: c.resources.find(r => r.type === 'deployments')?.resources
        .length,
    })),
  ).toEqual([{ cluster: 'local', errors: [], deployments: 1 }]);
  await openAsGuest(
    page,
    `/catalog/default/component/${serviceName}/kubernetes`,
  );
  // The tab lists the local cluster with the workload, and no error.
  await expect(page.getByText('local', { exact: true }).first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText('No pods with errors')).toBeVisible();
  // The plugin's error panel ("Error communicating with Kubernetes: UNAUTHORIZED_ERROR ... 403").
  await expect(
    page.getByText(/403|forbidden|UNAUTHORIZED_ERROR|Error communicating/i),
  ).toHaveCount(0);
  await shot(page, '22b-golden-path-kubernetes-tab');

  // The requester was notified.
  const notifications = await (
    await request.get(
      `${backend}/api/notifications/notifications?search=${serviceName}`,
      { headers },
    )
  ).json();
  expect(
    notifications.notifications.map(
      (n: { payload: { title: string } }) => n.payload.title,
    ),
  ).toContain(`Your service ${serviceName} is ready`);

  // The docs, built from the skeleton's mkdocs.yml and docs/ on first visit (the reader shows the
  // build's progress and then the page; a reload picks up a build that finished in between).
  // No "Edit this page" link into the local Git host, which has no editor: the reader's
  // report-issue addon refused it ("Invalid SCM type bitbucketServer" in the console).
  const consoleErrors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await openAsGuest(page, `/docs/default/component/${serviceName}`);
  const docsHeading = page.getByRole('heading', { name: 'Run it locally' });
  let attempts = 0;
  await expect(async () => {
    if (attempts++ > 0) await page.reload();
    await expect(docsHeading).toBeVisible({ timeout: 30_000 });
  }).toPass({ timeout: 150_000 });
  await expect(page.getByText('/healthz').first()).toBeVisible();
  // The reader keeps its progress bar up (and the page hidden) until every stylesheet loaded.
  await expect(page.getByRole('progressbar')).toHaveCount(0, {
    timeout: 30_000,
  });
  await expect(page.getByTitle(/edit this page/i)).toHaveCount(0);
  expect(consoleErrors.filter(e => /Invalid SCM type/.test(e))).toEqual([]);
  await shot(page, '23-golden-path-techdocs');

  // The source opens in the browser for the signed-in developer (the local Git host answers her
  // session cookie; dead-ends.test.ts checks it before any docs were opened).
  const sourceTab = await page.context().newPage();
  const sourceResponse = await sourceTab.goto(sourceHref);
  expect(sourceResponse?.status()).toBe(200);
  await expect(
    sourceTab.getByRole('link', { name: 'catalog-info.yaml' }),
  ).toBeVisible();
  await sourceTab.close();

  // The database, on the Databases tab and as a Resource the component depends on.
  await openAsGuest(
    page,
    `/catalog/default/component/${serviceName}/databases`,
  );
  await expect(
    page.getByText(`${serviceName}-staging-connection`).first(),
  ).toBeVisible({ timeout: 60_000 });
  await shot(page, '24-golden-path-database');
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/catalog/entities/by-name/component/default/${serviceName}`,
          { headers },
        );
        const body = await response.json();
        return body.relations
          .filter((r: { type: string }) => r.type === 'dependsOn')
          .map((r: { targetRef: string }) => r.targetRef);
      },
      { timeout: 60_000 },
    )
    .toEqual(
      expect.arrayContaining([
        `resource:default/team-payments.${serviceName}-staging`,
        `resource:default/team-payments.${serviceName}-prod`,
      ]),
    );
});

test('a taken name is refused before anything is created', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await fillServicePage(page, 'payments-api');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('radio', { name: 'No' }).check();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(
    page
      .getByText(
        /The name payments-api is taken: component:default\/payments-api already exists in the catalog/,
      )
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await shot(page, '25-golden-path-taken-name');

  // No repository was published under that name.
  // The listing is for signed-in users only (cloning is open).
  const listing = await (
    await request.get(`${backend}/api/local-git/`, {
      headers: await identityHeaders(request),
    })
  ).json();
  expect(
    listing.repositories.map((r: { name: string }) => r.name),
  ).not.toContain('payments-api');
});
