const LOOPBACK_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a Host header value (`name:port`, `[v6]:port`), lowercased. */
export function hostNameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLocaleLowerCase('en-US');
  if (value.startsWith('[')) {
    return value.slice(0, value.indexOf(']') + 1);
  }
  return value.split(':')[0];
}

/**
 * The host names the control plane answers to when it listens on `listenHost`, or undefined when
 * it listens on every interface (then whoever exposed it decides who reaches it).
 *
 * On loopback, a web page can point a host name it controls at 127.0.0.1 (DNS rebinding) and send
 * requests the browser treats as same-origin; they still carry that name in Host. kubectl,
 * client-node and the portal always send the address they were configured with.
 */
export function allowedHostNames(listenHost: string): Set<string> | undefined {
  if (listenHost === '0.0.0.0' || listenHost === '::') return undefined;
  const names = new Set(LOOPBACK_HOST_NAMES);
  names.add(listenHost.includes(':') ? `[${listenHost}]` : listenHost);
  return names;
}

/** Whether a request's Host header names one of `allowed`. */
export function isAllowedHost(
  hostHeader: string | undefined,
  allowed: Set<string>,
): boolean {
  return hostHeader !== undefined && allowed.has(hostNameOf(hostHeader));
}
