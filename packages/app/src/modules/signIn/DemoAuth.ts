import {
  BackstageIdentityApi,
  BackstageIdentityResponse,
  createApiRef,
  DiscoveryApi,
  ProfileInfo,
  ProfileInfoApi,
  SessionApi,
  SessionState,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Observable } from '@backstage/types';

type DemoAuthApi = ProfileInfoApi & BackstageIdentityApi & SessionApi;

/**
 * Local demo only: the sign-in identities served by
 * the auth-backend-module-demo-platform-provider plugin at `/api/auth/<id>/refresh`:
 * a member of the Platform team, and a member of the leadership groups.
 */
export const demoPlatformAuthApiRef = createApiRef<DemoAuthApi>({
  id: 'app.auth.demo-platform',
});
export const demoLeadershipAuthApiRef = createApiRef<DemoAuthApi>({
  id: 'app.auth.demo-leadership',
});

interface Session {
  profile: ProfileInfo;
  identity: BackstageIdentityResponse;
}

/** Refreshes before the token's last minute. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * A proxied sign-in: every refresh asks the backend, which signs in as the configured catalog
 * user (there is no secret to hold, as with the guest).
 */
export class DemoAuth
  implements ProfileInfoApi, BackstageIdentityApi, SessionApi
{
  private session?: Session;
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor(
    private readonly discoveryApi: DiscoveryApi,
    /** The auth backend's provider id: `demo-platform` or `demo-leadership`. */
    private readonly providerId: string,
  ) {}

  private async refresh(): Promise<Session> {
    const baseUrl = await this.discoveryApi.getBaseUrl('auth');
    const response = await fetch(`${baseUrl}/${this.providerId}/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      credentials: 'include',
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = await response.json();
    const expiresInSeconds: number | undefined =
      body.backstageIdentity.expiresInSeconds;
    this.session = {
      profile: body.profile ?? {},
      identity: {
        token: body.backstageIdentity.token,
        identity: body.backstageIdentity.identity,
        expiresAt: expiresInSeconds
          ? new Date(Date.now() + expiresInSeconds * 1000)
          : undefined,
      },
    };
    this.listeners.forEach(l => l(SessionState.SignedIn));
    return this.session;
  }

  private async current(): Promise<Session> {
    const expiresAt = this.session?.identity.expiresAt?.getTime();
    if (
      !this.session ||
      (expiresAt !== undefined && expiresAt - EXPIRY_MARGIN_MS < Date.now())
    ) {
      return this.refresh();
    }
    return this.session;
  }

  async getBackstageIdentity(): Promise<BackstageIdentityResponse | undefined> {
    return (await this.current()).identity;
  }

  async getProfile(): Promise<ProfileInfo | undefined> {
    return (await this.current()).profile;
  }

  async signIn(): Promise<void> {
    await this.refresh();
  }

  async signOut(): Promise<void> {
    this.session = undefined;
    this.listeners.forEach(l => l(SessionState.SignedOut));
  }

  sessionState$(): Observable<SessionState> {
    const listeners = this.listeners;
    const state = () =>
      this.session ? SessionState.SignedIn : SessionState.SignedOut;
    const observable: Observable<SessionState> = {
      [Symbol.observable]() {
        return observable;
      },
      subscribe(
        observerOrNext?: any,
        _onError?: (error: Error) => void,
        _onComplete?: () => void,
      ) {
        const next: (s: SessionState) => void =
          typeof observerOrNext === 'function'
            ? observerOrNext
            : (s: SessionState) => observerOrNext?.next?.(s);
        listeners.add(next);
        next(state());
        let closed = false;
        return {
          get closed() {
            return closed;
          },
          unsubscribe() {
            closed = true;
            listeners.delete(next);
          },
        };
      },
    } as Observable<SessionState>;
    return observable;
  }
}
