import { expect, Page } from '@playwright/test';

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
