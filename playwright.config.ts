import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';

// Browser journeys run against the portal as `./portal start` runs it (frontend :3000, backend
// :7007, demo data), in Debian's Chromium: Playwright cannot download its own browser here.
const chromiumPath = process.env.PORTAL_CHROMIUM_PATH ?? '/usr/bin/chromium';

// The journeys run on a data folder of their own, emptied before the portal starts: what they
// create (services, databases, tickets, survey answers) never shows up in the local demo's .data,
// and every run starts from the demo data alone. Fixed here, whatever PORTAL_DATA_DIR the shell
// exports, so the folder emptied is always this one. A portal already listening is not reused
// (it would be the demo's, on .data) unless PORTAL_E2E_REUSE=1 says it was started for the
// journeys: `PORTAL_DATA_DIR=.data/e2e ./portal start`.
const e2eDataDir = resolve(__dirname, '.data/e2e');
process.env.PORTAL_DATA_DIR = e2eDataDir;
const reusePortal = process.env.PORTAL_E2E_REUSE === '1';

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
      command: `rm -rf -- ${JSON.stringify(e2eDataDir)} && ./portal start`,
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: reusePortal,
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
