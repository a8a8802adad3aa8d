import { APIRequestContext, expect, Page } from '@playwright/test';

/** The local backend the browser journeys also call directly. */
export const backend = 'http://localhost:7007';

/** Opens a page fresh, signing in as the local guest when the portal asks for it. */
export async function openAsGuest(page: Page, path: string) {
  await page.goto(path);
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebarSearch = page.getByRole('button', { name: 'Search' });
  await expect(enter.or(sidebarSearch).first()).toBeVisible();
  if (await enter.isVisible()) {
    await enter.click();
  }
}

/** The local demo identities besides the guest, by the title of their sign-in card. */
export type DemoIdentity = 'Platform team demo' | 'Leadership demo';

/**
 * Opens a page fresh, signing in with one of the local demo identities when asked: each card's
 * button is "Sign In", so the card is found by its title.
 */
export async function openAsDemo(
  page: Page,
  path: string,
  identity: DemoIdentity,
) {
  await page.goto(path);
  const signIn = page
    .getByRole('listitem')
    .filter({ hasText: identity })
    .getByRole('button', { name: 'Sign In' });
  const sidebarSearch = page.getByRole('button', { name: 'Search' });
  await expect(signIn.or(sidebarSearch).first()).toBeVisible();
  if (await signIn.isVisible()) {
    await signIn.click();
  }
}

/**
 * Authorization headers for calling the backend as one of the local sign-in identities: `guest`
 * (Priya Raman, Payments), `demo-platform` (Chloé Dubois, platform team) or `demo-leadership`
 * (Amara Okafor, Engineering Leadership).
 */
export async function identityHeaders(
  request: APIRequestContext,
  provider: 'guest' | 'demo-platform' | 'demo-leadership' = 'guest',
): Promise<Record<string, string>> {
  const response = await request.get(
    `${backend}/api/auth/${provider}/refresh`,
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  expect(response.status()).toBe(200);
  const session = await response.json();
  return { Authorization: `Bearer ${session.backstageIdentity.token}` };
}
