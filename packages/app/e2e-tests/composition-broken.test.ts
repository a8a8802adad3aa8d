import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deletePaymentsDatabase, kubectlApply } from './controlPlane';
import {
  openDatabaseFormForPaymentsApi,
  submitDatabaseRequest,
} from './databaseForm';

// The local control plane composes from the project's own Compositions: when the platform team
// applies a broken shared-server Composition (the first reconcile's `.observed.resources` not
// guarded, which function-go-templating fails on with "index of untyped nil"), a developer's
// database request through the browser fails in the same way it would on a real cluster, the task
// log says why while it waits, and applying the repaired Composition finishes the same request.
const compositionFile = resolve(
  __dirname,
  '../../../crossplane/composition-shared-server.yaml',
);
const repaired = readFileSync(compositionFile, 'utf8');
const guard = '{{- $observed := .observed.resources | default dict }}';
const databaseName = `broken-${Date.now().toString(36)}`;

test.afterAll(() => {
  kubectlApply(repaired);
  deletePaymentsDatabase(databaseName, { ignoreNotFound: true });
});

test('a broken Composition fails the database request in the browser, and its repair finishes it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  expect(repaired).toContain(guard);
  kubectlApply(
    repaired.replace(
      guard,
      '{{- $observed := .observed.resources }}{{- $role := index .observed.resources "role" }}',
    ),
  );

  await openDatabaseFormForPaymentsApi(page);
  await submitDatabaseRequest(page, databaseName);

  // The task keeps waiting and its log says what the cluster reports.
  await page.getByRole('button', { name: 'Show Logs' }).click();
  await expect(
    page
      .getByText(
        new RegExp(
          `${databaseName} is not Ready yet: Synced=False \\(ReconcileError\\).*index of untyped nil`,
        ),
      )
      .first(),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    page.getByRole('link', { name: 'Databases tab of payments-api' }),
  ).not.toBeVisible();
  await page.screenshot({
    path: 'e2e-test-report/screenshots/13-broken-composition-task.png',
    fullPage: true,
  });

  // The platform team applies the repaired Composition; the waiting request becomes Ready.
  kubectlApply(repaired);
  await expect(
    page.getByRole('link', { name: 'Databases tab of payments-api' }),
  ).toBeVisible({ timeout: 90_000 });
});
