import { expect, Page } from '@playwright/test';
import { openAsGuest } from './signIn';

/**
 * The Payments guest opens Create, chooses "Request a PostgreSQL database" and picks her component
 * Payments API on the first page (only components her teams own are offered); the form is left on
 * its Database page.
 */
export async function openDatabaseFormForPaymentsApi(page: Page) {
  await openAsGuest(page, '/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Request a PostgreSQL database' });
  await card.getByRole('button', { name: 'Choose' }).click();
  const component = page.getByRole('textbox', { name: 'Component' });
  await component.click();
  await component.fill('Payments');
  await page
    .getByRole('option', { name: /payments api/i })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();
}

/** On the Database page: names the database, reviews and creates it (the task page opens). */
export async function submitDatabaseRequest(page: Page, databaseName: string) {
  await page.getByRole('textbox', { name: 'Database name' }).fill(databaseName);
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(databaseName).first()).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();
}
