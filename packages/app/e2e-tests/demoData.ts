import { APIRequestContext, expect } from '@playwright/test';
import { backend, identityHeaders } from './signIn';

/**
 * Waits for DORA's demo history (dora.demoData in app-config.yaml). The backend seeds it in a task
 * a few seconds after it reports ready, so a journey that starts right after a fresh start can
 * get there first.
 */
export async function waitForDoraDemoHistory(request: APIRequestContext) {
  const headers = await identityHeaders(request);
  await expect
    .poll(
      async () => {
        const response = await request.get(
          `${backend}/api/dora/metrics?scope=service&ref=component:default/payments-api&window=30`,
          { headers },
        );
        return (
          (await response.json()).metrics?.deploymentFrequency?.eventCount ?? 0
        );
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBeGreaterThan(0);
}
