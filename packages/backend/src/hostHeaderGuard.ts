import { RootConfigService } from '@backstage/backend-plugin-api';
import { RootHttpRouterConfigureContext } from '@backstage/backend-defaults/rootHttpRouter';
import { NotAllowedError } from '@backstage/errors';
import { IncomingMessage, ServerResponse } from 'node:http';

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1', '[::1]'];

/** The host name of a Host header value (`name:port`, `[v6]:port`), lowercased. */
export function hostNameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLocaleLowerCase('en-US');
  if (value.startsWith('[')) {
    return value.slice(0, value.indexOf(']') + 1);
  }
  return value.split(':')[0];
}

/**
 * Local mode only (the backend listens on a loopback address): a middleware that answers 403 to
 * requests whose Host header names anything but this machine or the configured base URLs.
 *
 * A web page can point a host name it controls at 127.0.0.1 (DNS rebinding) and then call the
 * backend as its own origin, past CORS; its requests still carry its host name in Host, so they
 * stop here. Deployed backends (listening on all interfaces) sit behind a load balancer and are
 * reached by probes under pod addresses, so the check is left to the ingress there.
 */
export function createLocalHostHeaderGuard(
  config: RootConfigService,
):
  | ((
      req: IncomingMessage,
      res: ServerResponse,
      next: (error?: unknown) => void,
    ) => void)
  | undefined {
  const listenHost = config.getOptionalString('backend.listen.host');
  if (!listenHost || !LOOPBACK_HOSTS.includes(listenHost)) {
    return undefined;
  }
  const allowed = new Set(LOOPBACK_HOSTS);
  for (const key of ['backend.baseUrl', 'app.baseUrl']) {
    const url = config.getOptionalString(key);
    if (url) {
      allowed.add(new URL(url).hostname.toLocaleLowerCase('en-US'));
    }
  }
  return (req, _res, next) => {
    const host = req.headers.host;
    if (host === undefined || !allowed.has(hostNameOf(host))) {
      next(
        new NotAllowedError(
          `Host ${JSON.stringify(
            host ?? '',
          )} is not this portal; locally it answers only to ${[...allowed].join(
            ', ',
          )}`,
        ),
      );
      return;
    }
    next();
  };
}

/** The backend's root router: the Host check of local mode first, then Backstage's defaults. */
export function configureRootHttpRouter(ctx: RootHttpRouterConfigureContext) {
  const guard = createLocalHostHeaderGuard(ctx.config);
  if (guard) {
    ctx.app.use(guard);
  }
  ctx.applyDefaults();
}
