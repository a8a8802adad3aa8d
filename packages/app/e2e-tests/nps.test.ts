import { expect, test } from '@playwright/test';
import { backend, identityHeaders, openAsGuest } from './signIn';

// The platform NPS survey: a developer is asked at most once per period (adoption.nps.periodDays),
// answers 0 to 10 with a comment, and the answer reaches the platform team's NPS figure. The
// prompt leaves automated browsers alone and waits two minutes on a page, so this journey
// presents itself as a person and runs the page's clock forward.

test('a developer answers the platform survey once, and the platform team sees it', async ({
  page,
  request,
}) => {
  const guest = await identityHeaders(request);
  const platform = await identityHeaders(request, 'demo-platform');
  const status = async () => {
    const response = await request.get(`${backend}/api/adoption/nps/status`, {
      headers: guest,
    });
    expect(response.status()).toBe(200);
    return (await response.json()) as { due: boolean; anonymous: boolean };
  };
  const npsResponses = async () => {
    const response = await request.get(
      `${backend}/api/adoption/summary?window=30`,
      { headers: platform },
    );
    expect(response.status()).toBe(200);
    return ((await response.json()) as { nps: { responses: number } }).nps
      .responses;
  };

  // Answers outside 0 to 10 are refused with the field named, and nothing is recorded.
  const before = await npsResponses();
  for (const score of [11, -1, 7.5, '9']) {
    const refused = await request.post(`${backend}/api/adoption/nps`, {
      headers: guest,
      data: { score },
    });
    expect(refused.status()).toBe(400);
    expect(await refused.text()).toMatch(/score/);
  }
  expect(await npsResponses()).toBe(before);

  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'webdriver', {
      get: () => false,
    }),
  );
  await page.clock.install();
  const survey = page.getByRole('dialog', { name: 'Platform survey' });
  const visitAndWait = async () => {
    await openAsGuest(page, '/catalog');
    await expect(
      page.getByRole('link', { name: 'Payments API' }),
    ).toBeVisible();
    const asked = page.waitForResponse(r =>
      r.url().endsWith('/api/adoption/nps/status'),
    );
    await page.clock.fastForward('03:00');
    await asked;
  };

  // A fresh portal data directory has never surveyed the guest; a rerun on the same data only
  // checks the second half (the answer given in the first run still counts for the period).
  if ((await status()).due) {
    await visitAndWait();
    await expect(survey).toBeVisible();
    await expect(survey).toContainText('Answers are anonymous.');
    await expect(survey.getByRole('button', { name: 'Send' })).toBeDisabled();
    await survey.getByRole('button', { name: '9', exact: true }).click();
    await survey
      .getByLabel('Anything we should know? (optional)')
      .fill('The database form saved me a ticket.');
    await page.screenshot({
      path: 'e2e-test-report/screenshots/40-nps-survey.png',
    });
    await survey.getByRole('button', { name: 'Send' }).click();
    await expect(survey).toContainText('Thank you!');
    await expect.poll(npsResponses).toBe(before + 1);
  }

  // At most once per period: the next visit asks the backend and shows nothing.
  expect((await status()).due).toBe(false);
  await visitAndWait();
  await expect(survey).toBeHidden();
});
