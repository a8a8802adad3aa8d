/** Never sooner than this after a refresh, whatever the cookie's lifetime. */
const minimumDelayMs = 60_000;
/** How long before the cookie expires it is renewed. */
const marginMs = 5 * 60_000;

/** When to renew a cookie that expires at `expiresAt`, in ms from `now`. */
export function cookieRefreshDelay(expiresAt: Date, now: Date): number {
  return Math.max(
    expiresAt.getTime() - now.getTime() - marginMs,
    minimumDelayMs,
  );
}
