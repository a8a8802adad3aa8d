import { APIRequestContext, expect } from '@playwright/test';
import { backend } from './signIn';

/** Waits until a scaffolder task has completed, as its creator (`headers`) reads it. */
export async function waitForTaskCompleted(
  request: APIRequestContext,
  headers: Record<string, string>,
  taskId: string,
) {
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${backend}/api/scaffolder/v2/tasks/${taskId}`, {
              headers,
            })
          ).json()
        ).status,
      { timeout: 180_000, intervals: [2_000] },
    )
    .toBe('completed');
}
