// Page loads of the production frontend build as a user feels them: for the catalog, a component,
// DORA and Adoption, the first contentful paint and the time until the page's own content (the
// table, the About card, the DORA and adoption figures) is on screen, each from a cold browser
// cache, in Debian's Chromium. The backend serves packages/app/dist (built beforehand), as in
// production; the frontend dev server does not run.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const BASE = 'http://localhost:7007';
const READINESS = `${BASE}/.backstage/health/v1/readiness`;
const START_LIMIT_MS = 300_000;
/** Loads per page; the median is reported. */
const RUNS = 5;

/** Each page and what shows that its content is there. */
const pages = [
  {
    name: 'catalog',
    path: '/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all',
    content: {
      css: 'table a[href$="/catalog/default/component/payments-api"]',
    },
  },
  {
    name: 'component (Payments API overview)',
    path: '/catalog/default/component/payments-api',
    content: { text: 'Authorises, captures and refunds payments' },
  },
  {
    name: 'DORA (organisation)',
    path: '/dora',
    content: { css: '[data-testid="dora-metric-deploymentFrequency"]' },
  },
  {
    name: 'Adoption',
    path: '/adoption',
    content: { css: '[data-testid="adoption-measure-coverage"]' },
  },
];

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function isOk(url) {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/**
 * The portal's backend (with the local control plane) serving the production build at :7007.
 * app.baseUrl points there too, so the app's sign-in accepts that origin.
 */
async function startBackendServingBuild(root) {
  if (await isOk(READINESS)) {
    throw new Error('port 7007 is busy: stop the running portal first');
  }
  const child = spawn('./portal', ['start', 'backend'], {
    cwd: root,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, APP_CONFIG_app_baseUrl: BASE },
  });
  const started = Date.now();
  while (!(await isOk(READINESS)) || !(await isOk(`${BASE}/catalog`))) {
    if (Date.now() - started > START_LIMIT_MS)
      throw new Error('portal did not start in time');
    await sleep(500);
  }
  return async () => {
    process.kill(-child.pid, 'SIGTERM');
    await sleep(3000);
  };
}

/** Signs in as the platform team demo (who may read every page measured); returns the session. */
async function signIn(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/catalog`);
  await page
    .getByRole('listitem')
    .filter({ hasText: 'Platform team demo' })
    .getByRole('button', { name: 'Sign In' })
    .click();
  try {
    await page
      .getByRole('button', { name: 'Search' })
      .first()
      .waitFor({ timeout: 60_000 });
  } catch (error) {
    await page.screenshot({ path: 'e2e-test-report/bench-sign-in.png' });
    throw error;
  }
  const state = await context.storageState();
  await context.close();
  return state;
}

/**
 * Runs in the page before its own scripts: notes the time of the first animation frame in which
 * the content is in the document (for a CSS selector: rendered with a box), that is the frame that
 * paints it. Measured in the page because Playwright's own waiting polls with a backoff of up to
 * 500 ms, which the figures would otherwise include.
 */
function watchForContent({ css, text }) {
  const shown = () => {
    if (css) {
      const element = document.querySelector(css);
      return !!element && element.getClientRects().length > 0;
    }
    return !!document.body && document.body.textContent.includes(text);
  };
  let checkQueued = false;
  const check = () => {
    checkQueued = false;
    if (window.__contentShownAt === undefined && shown()) {
      window.__contentShownAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(() => {
    if (!checkQueued) {
      checkQueued = true;
      requestAnimationFrame(check);
    }
  });
  observer.observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  });
}

/** One cold-cache load: first contentful paint and time to content, in ms since navigation. */
async function load(browser, storageState, { path, content }) {
  const context = await browser.newContext({ storageState });
  try {
    await context.addInitScript(watchForContent, content);
    const page = await context.newPage();
    await page.goto(`${BASE}${path}`);
    await page.waitForFunction(() => window.__contentShownAt !== undefined, {
      timeout: 60_000,
    });
    return await page.evaluate(() => ({
      contentMs: window.__contentShownAt,
      fcpMs: performance
        .getEntriesByType('paint')
        .find(e => e.name === 'first-contentful-paint')?.startTime,
    }));
  } finally {
    await context.close();
  }
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export async function measurePageLoads(root) {
  const stop = await startBackendServingBuild(root);
  // The backend is stopped whatever fails after it started (a missing browser included), so a
  // failed run does not leave port 7007 taken.
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.PORTAL_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const storageState = await signIn(browser);
    // One unmeasured round, so the backend's own caches (catalog, permissions) are warm.
    for (const target of pages) await load(browser, storageState, target);
    const results = [];
    for (const target of pages) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        runs.push(await load(browser, storageState, target));
      }
      results.push({
        name: target.name,
        fcpMs: median(runs.map(r => r.fcpMs)),
        contentMs: median(runs.map(r => r.contentMs)),
      });
    }
    return results;
  } finally {
    await browser?.close();
    await stop();
  }
}
