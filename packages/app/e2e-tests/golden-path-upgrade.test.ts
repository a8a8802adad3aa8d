import { expect, Page, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitForTaskCompleted } from './scaffolderTasks';
import { backend, identityHeaders, openAsDemo } from './signIn';

// The golden-path upgrade end to end: a service created at an older golden path shows on the
// Adoption page as behind the latest; the platform team runs the upgrade template from there and
// the service's repository gets a branch with the difference, which git shows.

const run = promisify(execFile);
const runId = Date.now().toString(36);
const name = `upgrade-e2e-${runId}`;
const entityRef = `component:default/${name}`;
/** The journeys' data folder (playwright.config.ts): the local Git host's bare repositories. */
const gitDir = resolve(__dirname, '../../../.data/e2e/git', `${name}.git`);

const shot = (page: Page, file: string) =>
  page.screenshot({
    path: `e2e-test-report/screenshots/${file}.png`,
    fullPage: true,
  });

/**
 * Makes the service look created at golden path 1.0.0: its owners' copy of catalog-info.yaml
 * records 1.0.0, pushed to the repository's main branch as any team commit would be.
 */
async function recordOlderVersion() {
  const work = await fs.mkdtemp(join(tmpdir(), 'upgrade-e2e-'));
  const git = (...args: string[]) =>
    run(
      'git',
      ['-c', 'user.name=E2E', '-c', 'user.email=e2e@example', ...args],
      {
        cwd: work,
      },
    );
  try {
    await git('clone', '--quiet', gitDir, '.');
    const file = join(work, 'catalog-info.yaml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(
      file,
      text.replace(
        /fernhill.io\/template-version: .*/,
        'fernhill.io/template-version: 1.0.0',
      ),
    );
    await fs.writeFile(
      join(work, 'public', 'index.html'),
      '<h1>Version 1.0.0</h1>\n',
    );
    await git('commit', '--quiet', '-am', 'Created at golden path 1.0.0');
    await git('push', '--quiet', 'origin', 'HEAD:main');
    await run('git', [`--git-dir=${gitDir}`, 'update-server-info']);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

test('a service behind the latest golden path is upgraded from the Adoption page as a branch', async ({
  page,
  request,
}) => {
  test.setTimeout(600_000);
  // The demo platform identity signs in once the catalog has read its user (right after start).
  await expect
    .poll(
      async () =>
        (
          await request.get(`${backend}/api/auth/demo-platform/refresh`, {
            headers: { 'X-Requested-With': 'XMLHttpRequest' },
          })
        ).status(),
      { timeout: 180_000, intervals: [3_000] },
    )
    .toBe(200);
  const headers = await identityHeaders(request, 'demo-platform');

  // A service of the platform team, created from the static-site golden path.
  const created = await request.post(`${backend}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: 'template:default/static-site',
      values: {
        name,
        owner: 'group:default/platform',
        description: 'Created by the golden-path upgrade journey.',
        system: 'system:default/developer-platform',
      },
    },
  });
  expect(created.status()).toBe(201);
  await waitForTaskCompleted(request, headers, (await created.json()).id);

  // ... at an older version, which the catalog reads back from the repository.
  await recordOlderVersion();
  const [, namespaceAndName] = entityRef.split(':');
  const refresh = await request.post(`${backend}/api/catalog/refresh`, {
    headers,
    data: { entityRef },
  });
  expect(refresh.status()).toBeLessThan(300);
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/catalog/entities/by-name/component/${namespaceAndName}`,
          { headers },
        );
        if (!response.ok()) return undefined;
        return (await response.json()).metadata.annotations[
          'fernhill.io/template-version'
        ];
      },
      { timeout: 180_000, intervals: [3_000] },
    )
    .toBe('1.0.0');

  // The adoption collector (every minute locally) lists it as behind.
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${backend}/api/adoption/behind-latest`, {
              headers,
            })
          ).json()
        ).items.map((i: { entityRef: string }) => i.entityRef),
      { timeout: 240_000, intervals: [5_000] },
    )
    .toContain(entityRef);

  await openAsDemo(page, '/adoption', 'Platform team demo');
  const section = page.getByTestId('adoption-behind-latest');
  await expect(section).toContainText('Services behind the latest golden path');
  await expect(section).toContainText(entityRef);
  await shot(page, '40-adoption-behind-latest');

  // The section's link opens the upgrade template with the service filled in.
  await section.getByTestId(`upgrade-${entityRef}`).click();
  await expect(
    page.getByText('Upgrade a service to the latest golden path').first(),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(entityRef).first()).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();
  const branchLink = page.getByRole('link', { name: 'Proposed branch' });
  await expect(branchLink).toBeVisible({ timeout: 180_000 });
  await expect(branchLink).toHaveAttribute(
    'href',
    new RegExp(`/api/local-git/${name}/tree/golden-path-`),
  );
  await shot(page, '41-golden-path-upgrade-done');

  // The branch holds the difference: the page rendered anew, the version moved forward.
  const branches = (
    await run('git', [
      `--git-dir=${gitDir}`,
      'for-each-ref',
      '--format=%(refname:short)',
      'refs/heads/golden-path-*',
    ])
  ).stdout
    .trim()
    .split('\n');
  expect(branches).toHaveLength(1);
  const changed = (
    await run('git', [
      `--git-dir=${gitDir}`,
      'diff',
      '--name-only',
      'main',
      branches[0],
    ])
  ).stdout
    .trim()
    .split('\n');
  expect(changed).toEqual(
    expect.arrayContaining(['catalog-info.yaml', 'public/index.html']),
  );
  // The local Git host serves the branch to reviewers.
  const listing = await request.get(
    `${backend}/api/local-git/${name}/tree/${branches[0]}/`,
    { headers },
  );
  expect(listing.status()).toBe(200);
});
