import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { normalizeEntityRef } from '@internal/plugin-portal-node';

/**
 * An adoption event as `POST /api/adoption/events` takes it (contract with the adoption plugin).
 *
 * @public
 */
export interface AdoptionEvent {
  id: string;
  type: 'template-run' | 'self-service';
  occurredAt: string;
  templateRef?: string;
  templateVersion?: string;
  taskId?: string;
  entityRef?: string;
  owner?: string;
  kind?: 'service' | 'database' | 'site' | 'job';
  requestedAt?: string;
  readyAt?: string;
  status?: 'completed' | 'failed';
  durationMs?: number;
}

/**
 * Builds the event for a finished run; the id makes repeated posts of one run idempotent.
 *
 * @public
 */
export function buildAdoptionEvent(options: {
  type: AdoptionEvent['type'];
  taskId: string;
  now: Date;
  templateRef?: string;
  templateVersion?: string;
  entityRef?: string;
  owner?: string;
  kind?: AdoptionEvent['kind'];
  requestedAt?: string;
}): AdoptionEvent {
  const occurredAt = options.now.toISOString();
  const event: AdoptionEvent = {
    id: `${options.taskId}:${options.type}`,
    type: options.type,
    occurredAt,
    taskId: options.taskId,
    status: 'completed',
    readyAt: occurredAt,
  };
  if (options.templateRef) event.templateRef = options.templateRef;
  if (options.templateVersion) event.templateVersion = options.templateVersion;
  if (options.entityRef) {
    event.entityRef = refOrInputError(options.entityRef, 'entityRef', {
      defaultKind: 'component',
      example: 'component:default/orders-api',
    });
  }
  if (options.owner) {
    event.owner = refOrInputError(options.owner, 'owner', {
      defaultKind: 'group',
      example: 'group:default/payments',
    });
  }
  if (options.kind) event.kind = options.kind;
  if (options.requestedAt) {
    const requested = new Date(options.requestedAt);
    event.requestedAt = requested.toISOString();
    event.durationMs = Math.max(0, options.now.getTime() - requested.getTime());
  }
  return event;
}

/**
 * Outcome of a delivery attempt; never thrown, because adoption records must not fail a run.
 *
 * @public
 */
export type AdoptionDelivery =
  | { delivered: true }
  | { delivered: false; reason: string };

/**
 * Posts adoption events to the adoption plugin with service-to-service credentials.
 *
 * @public
 */
export class AdoptionEventSender {
  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      fetch?: typeof fetch;
      timeoutMs?: number;
    },
  ) {}

  async send(events: AdoptionEvent[]): Promise<AdoptionDelivery> {
    try {
      const baseUrl = await this.deps.discovery.getBaseUrl('adoption');
      const { token } = await this.deps.auth.getPluginRequestToken({
        onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
        targetPluginId: 'adoption',
      });
      const response = await (this.deps.fetch ?? fetch)(`${baseUrl}/events`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 5000),
      });
      if (response.ok) return { delivered: true };
      return {
        delivered: false,
        reason:
          response.status === 404
            ? 'the adoption plugin is not installed (HTTP 404)'
            : `the adoption plugin answered HTTP ${response.status}`,
      };
    } catch (error) {
      return {
        delivered: false,
        reason: `the adoption plugin is unreachable (${
          (error as Error).message
        })`,
      };
    }
  }
}

/**
 * The normalised ref the adoption backend stores (lower case, kind and namespace filled in), or an
 * InputError naming the action's input field: a malformed ref is the template's mistake, and the
 * action says so instead of failing with the catalog model's plain Error.
 */
function refOrInputError(
  ref: string,
  field: 'entityRef' | 'owner',
  options: { defaultKind: string; example: string },
): string {
  const normalized = normalizeEntityRef(ref.trim(), {
    defaultKind: options.defaultKind,
  });
  if (!normalized) {
    throw new InputError(
      `Invalid ${field} ${JSON.stringify(
        ref.slice(0, 200),
      )}: use kind:namespace/name or a name, e.g. ${options.example}`,
    );
  }
  return normalized;
}
