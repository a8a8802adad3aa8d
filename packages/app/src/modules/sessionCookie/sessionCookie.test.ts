import { cookieRefreshDelay } from './sessionCookie';

describe('cookieRefreshDelay', () => {
  const now = new Date('2026-01-01T12:00:00Z');

  it('renews five minutes before the cookie expires', () => {
    expect(cookieRefreshDelay(new Date('2026-01-01T13:00:00Z'), now)).toBe(
      55 * 60_000,
    );
  });

  it('waits at least a minute, even for a cookie about to expire or expired', () => {
    expect(cookieRefreshDelay(new Date('2026-01-01T12:02:00Z'), now)).toBe(
      60_000,
    );
    expect(cookieRefreshDelay(new Date('2026-01-01T11:00:00Z'), now)).toBe(
      60_000,
    );
  });
});
