import type * as K8s from '@kubernetes/client-node';
import {
  ConflictError,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CrossplaneConfig } from '../config';
import { loadKubernetesClient } from './loadKubernetesClient';

/** The `@kubernetes/client-node` module (ESM-only, loaded on first use). @public */
export type KubernetesClientModule = typeof import('@kubernetes/client-node');

/** Options of `KubernetesClusterClient.create`. @public */
export interface KubernetesClusterClientOptions {
  cluster: CrossplaneConfig['cluster'];
  /** Attempts when the API server is unreachable (default 4). */
  maxAttempts?: number;
  /** First backoff delay in milliseconds, doubled per attempt (default 250). */
  backoffMs?: number;
}

/** Options for writes. @public */
export interface ApplyOptions {
  fieldManager: string;
  dryRun?: boolean;
  /**
   * Take over fields other managers own (default false: a conflict is a `ConflictError` naming
   * the manager and fields, for the caller to surface).
   */
  force?: boolean;
}

/** What an operation was, for error messages naming verb and resource. */
interface Operation {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A thrown value's fields, read without trusting its shape. */
type Unknown = { code?: unknown; cause?: unknown; message?: unknown } | null;

// Node's fetch wraps the socket error (its `code`) in `cause`, sometimes twice.
function errorCode(error: unknown): string | undefined {
  let current = error as Unknown | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as Unknown | undefined;
  }
  return undefined;
}

function statusMessage(body: unknown): string | undefined {
  let parsed = body as Unknown | undefined;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body) as Unknown;
    } catch {
      return body || undefined;
    }
  }
  return typeof parsed?.message === 'string' ? parsed.message : undefined;
}

/** An API server's answer other than 2xx, shaped like client-node's ApiException (`code`, `body`). */
class KubernetesStatusError extends Error {
  constructor(readonly code: number, readonly body: string) {
    super(`Kubernetes API returned HTTP ${code}`);
  }
}

/** Root of an API version's paths: `/api/v1` for the core group, `/apis/<group>/<version>` else. */
function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes('/')
    ? `/apis/${apiVersion}`
    : `/api/${apiVersion}`;
}

function describe(op: Operation): string {
  const target = op.name ? `${op.resource}/${op.name}` : op.resource;
  return op.namespace ? `${target} in namespace ${op.namespace}` : target;
}

/**
 * Owns the connection to the cluster: credentials, TLS, retries when the API server is unreachable,
 * and the mapping of Kubernetes status codes to `@backstage/errors` types. Everything else talks to
 * the cluster through this class.
 *
 * @public
 */
export class KubernetesClusterClient {
  readonly #options: KubernetesClusterClientOptions;
  #agent?: HttpAgent;
  /** Resource (plural) name and scope by `apiVersion kind`, from the API server's discovery. */
  readonly #resources = new Map<
    string,
    Promise<{ name: string; namespaced: boolean }>
  >();
  #clients?: Promise<{
    k8s: KubernetesClientModule;
    objects: K8s.KubernetesObjectApi;
    core: K8s.CoreV1Api;
  }>;

  static create(options: KubernetesClusterClientOptions) {
    return new KubernetesClusterClient(options);
  }

  private constructor(options: KubernetesClusterClientOptions) {
    this.#options = options;
  }

  /**
   * Server-side apply of a whole object; returns the object as stored (or as it would be). Without
   * `force`, a field another manager set differently is a 409 `ConflictError`.
   */
  async apply<T extends K8s.KubernetesObject>(
    object: T,
    options: ApplyOptions,
  ): Promise<T> {
    const { k8s, objects } = await this.#connect();
    return this.#call(
      {
        verb: 'patch',
        resource: object.kind ?? 'object',
        namespace: object.metadata?.namespace,
        name: object.metadata?.name,
      },
      () =>
        objects.patch(
          object,
          undefined,
          options.dryRun ? 'All' : undefined,
          options.fieldManager,
          options.force ?? false,
          k8s.PatchStrategy.ServerSideApply,
        ) as Promise<T>,
    );
  }

  /** Reads one object; undefined when it does not exist. */
  async get<T extends K8s.KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.#call(
        { verb: 'get', resource: kind, namespace, name },
        () => this.#read<T>(apiVersion, kind, namespace, name),
      );
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Lists objects of a kind in a namespace, optionally by label selector. */
  async list<T extends K8s.KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector?: string,
  ): Promise<T[]> {
    const list = await this.#call(
      { verb: 'list', resource: kind, namespace },
      () =>
        this.#read<{ items: T[] }>(
          apiVersion,
          kind,
          namespace,
          undefined,
          labelSelector,
        ),
    );
    return list.items;
  }

  /** Events in a namespace about the named object of the given kind. */
  async listEvents(
    namespace: string,
    kind: string,
    name: string,
  ): Promise<K8s.CoreV1Event[]> {
    const { core } = await this.#connect();
    const list = await this.#call(
      { verb: 'list', resource: 'events', namespace },
      () => core.listNamespacedEvent({ namespace }),
    );
    return list.items.filter(
      e => e.involvedObject?.kind === kind && e.involvedObject?.name === name,
    );
  }

  /**
   * Reads one object or a list with a plain GET, as client-node's KubernetesObjectApi does (the
   * resource's path from the API server's discovery, cached). Reads are what the catalog provider
   * does every 30 s; they do not load `@kubernetes/client-node` (about 29 MiB in the backend),
   * which only writes and events need.
   */
  async #read<T>(
    apiVersion: string,
    kind: string,
    namespace: string,
    name?: string,
    labelSelector?: string,
  ): Promise<T> {
    const resource = await this.#resource(apiVersion, kind);
    const parts = [apiVersionPath(apiVersion)];
    if (resource.namespaced) {
      parts.push('namespaces', encodeURIComponent(namespace));
    }
    parts.push(resource.name);
    if (name !== undefined) parts.push(encodeURIComponent(name));
    const query = labelSelector
      ? `?labelSelector=${encodeURIComponent(labelSelector)}`
      : '';
    return this.#getJson<T>(`${parts.join('/').toLowerCase()}${query}`);
  }

  #resource(apiVersion: string, kind: string) {
    const key = `${apiVersion} ${kind}`;
    let resource = this.#resources.get(key);
    if (!resource) {
      resource = this.#getJson<{
        resources: { name: string; kind: string; namespaced: boolean }[];
      }>(apiVersionPath(apiVersion)).then(
        list => {
          const found = list.resources.find(r => r.kind === kind);
          if (!found) {
            throw new Error(
              `Unrecognized API version and kind: ${apiVersion} ${kind}`,
            );
          }
          return { name: found.name, namespaced: found.namespaced };
        },
        error => {
          if (error instanceof Error) {
            error.message = `Failed to fetch resource metadata for ${apiVersion}/${kind}: ${error.message}`;
          }
          throw error;
        },
      );
      this.#resources.set(key, resource);
      // Only what the server served is kept: a kind installed later is looked up again.
      resource.catch(() => this.#resources.delete(key));
    }
    return resource;
  }

  /** GET of an API path with the portal's token; a status other than 2xx rejects with it. */
  #getJson<T>(path: string): Promise<T> {
    const { url, token, caData, skipTLSVerify } = this.#options.cluster;
    const target = new URL(`${url.replace(/\/+$/, '')}${path}`);
    const https = target.protocol === 'https:';
    // Agents without keep-alive: no socket stays open between the provider's refreshes.
    this.#agent ??= https
      ? new HttpsAgent({
          ca: caData ? Buffer.from(caData, 'base64') : undefined,
          rejectUnauthorized: !skipTLSVerify,
        })
      : new HttpAgent();
    return new Promise<T>((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(
        target,
        {
          method: 'GET',
          headers: {
            Accept: 'application/json, */*;q=0.8',
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
          agent: this.#agent,
        },
        response => {
          const chunks: Buffer[] = [];
          response.on('data', chunk => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(new KubernetesStatusError(status, body));
              return;
            }
            try {
              resolve(JSON.parse(body) as T);
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  #connect() {
    if (!this.#clients) {
      this.#clients = (async () => {
        const k8s = await loadKubernetesClient();
        const { url, token, caData, skipTLSVerify } = this.#options.cluster;
        const kc = new k8s.KubeConfig();
        kc.loadFromOptions({
          clusters: [
            { name: 'crossplane', server: url, caData, skipTLSVerify },
          ],
          users: [{ name: 'portal', token }],
          contexts: [{ name: 'portal', cluster: 'crossplane', user: 'portal' }],
          currentContext: 'portal',
        });
        return {
          k8s,
          objects: k8s.KubernetesObjectApi.makeApiClient(kc),
          core: kc.makeApiClient(k8s.CoreV1Api),
        };
      })();
      this.#clients.catch(() => {
        this.#clients = undefined;
      });
    }
    return this.#clients;
  }

  async #call<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    const maxAttempts = this.#options.maxAttempts ?? 4;
    const backoffMs = this.#options.backoffMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const code = errorCode(error);
        if (code && UNREACHABLE_CODES.has(code)) {
          if (attempt < maxAttempts) {
            await new Promise(r =>
              setTimeout(r, backoffMs * 2 ** (attempt - 1)),
            );
            continue;
          }
          throw new ServiceUnavailableError(
            `Kubernetes API at ${
              this.#options.cluster.url
            } is unreachable (${code}) after ${attempt} attempts while trying to ${
              op.verb
            } ${describe(op)}`,
          );
        }
        throw this.#mapError(op, error);
      }
    }
  }

  #mapError(op: Operation, error: unknown): Error {
    const status = (error as { code?: unknown }).code;
    if (typeof status !== 'number') {
      return new ForwardedError(
        `Kubernetes request failed: ${op.verb} ${describe(op)}`,
        error,
      );
    }
    const message = statusMessage((error as { body?: unknown }).body);
    const detail = message ? `: ${message}` : '';
    switch (status) {
      case 401:
        return new NotAllowedError(
          `The Kubernetes API rejected the portal's credentials (401) for ${
            op.verb
          } ${describe(op)}`,
        );
      case 403:
        return new NotAllowedError(
          `The portal is not allowed to ${op.verb} ${describe(op)}${detail}`,
        );
      case 404:
        return new NotFoundError(`${describe(op)} not found${detail}`);
      case 409:
        return new ConflictError(
          `Conflict on ${op.verb} ${describe(op)}${detail}`,
        );
      case 422:
        return new InputError(`Invalid ${describe(op)}${detail}`);
      default:
        return new ForwardedError(
          `Kubernetes API returned ${status} for ${op.verb} ${describe(
            op,
          )}${detail}`,
          error,
        );
    }
  }
}
