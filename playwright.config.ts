import { defineConfig } from '@playwright/test';

// Browser journeys run against the portal as `./portal start` runs it (frontend :3000, backend
// :7007, demo data), in Debian's Chromium: Playwright cannot download its own browser here.
const chromiumPath = process.env.PORTAL_CHROMIUM_PATH ?? '/usr/bin/chromium';

// The journeys run on a data folder of their own, emptied before the portal starts: what they
// create (services, databases, tickets, survey answers) never shows up in the local demo's .data,
// and every run starts from the demo data alone. To iterate on a journey against a running portal,
// start it with `PORTAL_DATA_DIR=.data/e2e ./portal start` (it is reused outside CI).
process.env.PORTAL_DATA_DIR ??= '.data/e2e';

export default defineConfig({
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report/html' }],
  ],
  webServer: [
    {
      command: 'rm -rf -- "${PORTAL_DATA_DIR:?}" && ./portal start',
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'ignore',
    },
    {
      command: 'echo frontend is started by yarn start',
      url: 'http://localhost:3000',
      reuseExistingServer: true,
      timeout: 300_000,
    },
  ],
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    actionTimeout: 30_000,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  outputDir: 'e2e-test-report/artifacts',
  projects: [{ name: 'app', testDir: 'packages/app/e2e-tests' }],
});
