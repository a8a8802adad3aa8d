import { ReactNode, useEffect } from 'react';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { cookieRefreshDelay } from './sessionCookie';

/** After a failed refresh, the next try. */
const retryDelayMs = 30_000;

/**
 * Keeps the signed-in user's Backstage session cookie, which links that open the backend itself
 * in the browser need: the local Git host's listings behind a component's "View source" answer
 * a signed-in user's cookie only. Backstage issued the cookie only once the user had opened
 * TechDocs, so "View source" was refused (401) until then. The cookie is the same for every
 * backend plugin; the local Git host's endpoint issues it.
 */
export function KeepSessionCookie(props: { children: ReactNode }) {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const refresh = async () => {
      let delay = retryDelayMs;
      try {
        const baseUrl = await discoveryApi.getBaseUrl('local-git');
        const response = await fetchApi.fetch(
          `${baseUrl}/.backstage/auth/v1/cookie`,
          { credentials: 'include' },
        );
        if (response.ok) {
          const { expiresAt } = (await response.json()) as {
            expiresAt: string;
          };
          delay = cookieRefreshDelay(new Date(expiresAt), new Date());
        }
      } catch {
        // Offline or the backend restarting: tried again shortly.
      }
      if (!stopped) timer = setTimeout(refresh, delay);
    };
    refresh();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [discoveryApi, fetchApi]);
  return <>{props.children}</>;
}
