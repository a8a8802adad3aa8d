import { expect, Page, test } from '@playwright/test';
import { openAsGuest } from './signIn';

// The catalog table on common laptop and desktop widths: names wrap between words only, never
// inside one, and no column is cut off at the right edge.

/** Words of the table's name cells that the browser broke across lines. */
async function namesBrokenMidWord(page: Page): Promise<string[]> {
  return page.locator('table tbody tr td:first-child').evaluateAll(cells => {
    const broken: string[] = [];
    for (const cell of cells) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const match of text.matchAll(/[^\s-]+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index!);
          range.setEnd(node, match.index! + match[0].length);
          // A word on one line has one box; one broken across lines has one per line.
          const lines = new Set(
            Array.from(range.getClientRects()).map(r => Math.round(r.top)),
          );
          if (lines.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  });
}

/** Header cells whose right edge lies beyond what the table's container shows. */
async function columnsCutOff(page: Page): Promise<string[]> {
  return page
    .locator('table')
    .first()
    .evaluate(table => {
      // The nearest ancestor that clips or scrolls is what the user sees of the table.
      let container: HTMLElement = table.parentElement!;
      while (container.parentElement) {
        const overflow = getComputedStyle(container).overflowX;
        if (overflow !== 'visible') break;
        container = container.parentElement;
      }
      const visibleRight = Math.min(
        container.getBoundingClientRect().right,
        document.documentElement.clientWidth,
      );
      return Array.from(table.querySelectorAll('thead th'))
        .filter(th => th.getBoundingClientRect().right > visibleRight + 1)
        .map(th => th.textContent?.trim() || '(unnamed column)');
    });
}

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
]) {
  test(`the catalog table at ${viewport.width} px: names whole, every column visible`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    await openAsGuest(
      page,
      '/catalog?filters[kind]=component&filters[user]=all',
    );
    await expect(page.locator('table tbody tr').nth(3)).toBeVisible();
    await page.screenshot({
      path: `e2e-test-report/screenshots/72-catalog-table-${viewport.width}.png`,
      fullPage: true,
    });
    expect(await namesBrokenMidWord(page)).toEqual([]);
    expect(await columnsCutOff(page)).toEqual([]);
  });
}
