import { setTimeout as sleep } from 'node:timers/promises';
import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  POSTGRES_COMPONENT_REF_PATTERN,
  POSTGRES_DEFAULT_PROVIDER,
  POSTGRES_COMPONENT_REF_RULE,
  PostgresCreateResult,
  PostgresEvent,
  PostgresInstanceSummary,
  PostgresRequest,
  crossplanePostgresCreateForAnyTeamPermission,
  crossplanePostgresCreatePermission,
  postgresRequestSchema,
} from '@internal/plugin-crossplane-common';
import { firstZodIssueMessage } from '@internal/plugin-portal-node';
import { CrossplaneConfig } from '../config';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import {
  COMPONENT_LABEL,
  COMPONENT_REF_ANNOTATION,
  OWNER_LABEL,
  POSTGRES_INSTANCE_API_VERSION,
  POSTGRES_INSTANCE_KIND,
  PostgresInstanceObject,
  PostgresInstanceSpecInput,
  buildPostgresInstance,
  connectionSecretName,
  explainNotReady,
  isReadyForCurrentGeneration,
  portalFieldManager,
  selectedProvider,
  summarizePostgresInstance,
} from './postgresInstanceManifest';

const RECENT_EVENTS = 10;

/**
 * Topic published (through the events service) after the portal created a database or saw it
 * turn Ready, so the catalog's entity provider refreshes at once instead of on its next run.
 * Payload: `{ namespace, name }`.
 *
 * @public
 */
export const POSTGRES_INSTANCE_CHANGED_TOPIC = 'crossplane.postgres.changed';

/** Options of `PostgresProvisioningService.create`. @public */
export interface PostgresProvisioningServiceOptions {
  client: KubernetesClusterClient;
  teamNamespaces: CrossplaneConfig['teamNamespaces'];
  /** The class of service per environment (default: shared-server for every one). */
  compositionByEnvironment?: CrossplaneConfig['compositionByEnvironment'];
  /** Service principals (by subject) allowed to request databases; none by default. */
  serviceCallers?: CrossplaneConfig['serviceCallers'];
  permissions: PermissionsService;
  /** Tells which teams a user belongs to (ownership entity refs). */
  userInfo: UserInfoService;
  logger: LoggerService;
  /** How often to look at the XR while waiting for Ready (default 1000 ms). */
  pollIntervalMs?: number;
  /**
   * Whether a component entity exists in the catalog (looked up with the portal's own
   * credentials). A component that is not in the catalog yet (created in the same template run)
   * has no owners the policy could check, so the requester's team membership decides instead.
   * Without it every component is treated as being in the catalog.
   */
  componentExists?: (componentRef: string) => Promise<boolean>;
  /** Announces created and Ready databases on {@link POSTGRES_INSTANCE_CHANGED_TOPIC}. */
  events?: EventsService;
}

/** Options of a create request. @public */
export interface PostgresCreateOptions {
  /** The caller's credentials; the permission is checked for them. */
  credentials: BackstageCredentials;
  /** Server-side dry-run: validated by the API server, nothing stored. */
  dryRun?: boolean;
}

/** Options of {@link PostgresProvisioningService.waitForReady}. @public */
export interface PostgresWaitOptions {
  /** Stops the wait (a cancelled scaffolder task, a client that went away). */
  signal?: AbortSignal;
  /**
   * Told why the database is not Ready yet each time the reason changes (a failing Composition, a
   * provider error, the reconciler not having looked yet), so a waiting user sees it at once
   * rather than when the wait times out.
   */
  onNotReady?: (explanation: string) => void;
}

function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (
    (credentials.principal as { type?: string } | undefined)?.type === 'user'
  );
}

function isService(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageServicePrincipal> {
  return (
    (credentials.principal as { type?: string } | undefined)?.type === 'service'
  );
}

const sameRef = (a: string | undefined, b: string) =>
  a?.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** crossplane/xrd.yaml: `self.environment != 'prod' || ... || self.backupRetentionDays >= 7`. */
const PROD_MIN_BACKUP_RETENTION_DAYS = 7;

/**
 * Requests PostgreSQL databases as Crossplane PostgreSQLInstance XRs, one per request, in the owning
 * team's namespace; reads them back with readiness, conditions and events. Shared by the REST API
 * and the scaffolder action.
 *
 * @public
 */
export class PostgresProvisioningService {
  readonly #options: PostgresProvisioningServiceOptions;

  static create(options: PostgresProvisioningServiceOptions) {
    return new PostgresProvisioningService(options);
  }

  private constructor(options: PostgresProvisioningServiceOptions) {
    this.#options = options;
  }

  /**
   * Validates a request and resolves team and component, throwing InputError naming the field.
   * Nothing is written.
   */
  resolve(request: unknown): PostgresInstanceSpecInput {
    const parsed = postgresRequestSchema.safeParse(request);
    if (!parsed.success)
      throw new InputError(firstZodIssueMessage(parsed.error));
    const input: PostgresRequest = parsed.data;
    // The XRD's CEL rule (crossplane/xrd.yaml) refuses it at the API server too; the portal says it
    // first, in the form's terms, before anything is written.
    if (
      input.environment === 'prod' &&
      input.backupRetentionDays !== undefined &&
      input.backupRetentionDays < PROD_MIN_BACKUP_RETENTION_DAYS
    ) {
      throw new InputError(
        `Invalid backupRetentionDays: prod databases keep at least ${PROD_MIN_BACKUP_RETENTION_DAYS} days of automated backups, got ${input.backupRetentionDays}`,
      );
    }

    let team: string;
    let teamRef: string;
    let componentRef: string;
    let componentName: string;
    try {
      const ref = parseEntityRef(input.owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
      if (ref.kind.toLocaleLowerCase('en-US') !== 'group') throw new Error();
      team = ref.name;
      teamRef = stringifyEntityRef(ref);
    } catch {
      throw new InputError(`Invalid owner: ${input.owner} is not a team`);
    }
    const namespace = Object.hasOwn(this.#options.teamNamespaces, team)
      ? this.#options.teamNamespaces[team]
      : undefined;
    if (!namespace) {
      throw new InputError(
        `Invalid owner: unknown team ${team} (no namespace configured in crossplane.teamNamespaces)`,
      );
    }
    try {
      const ref = parseEntityRef(input.component, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
      if (ref.kind.toLocaleLowerCase('en-US') !== 'component')
        throw new Error();
      componentRef = stringifyEntityRef(ref);
      componentName = ref.name;
    } catch {
      throw new InputError(`Invalid component: ${POSTGRES_COMPONENT_REF_RULE}`);
    }
    return {
      name: input.name,
      namespace,
      team,
      teamRef,
      componentRef,
      componentName,
      size: input.size,
      environment: input.environment,
      region: input.region,
      backupRetentionDays: input.backupRetentionDays,
      deletionPolicy: input.deletionPolicy,
      provider:
        this.#options.compositionByEnvironment?.[input.environment] ??
        POSTGRES_DEFAULT_PROVIDER,
    };
  }

  /**
   * Validates, checks the caller may request databases for the component, refuses to take over a
   * database of another component, and server-side applies the XR without force. Applying the same
   * request again for the same component changes nothing.
   */
  async create(
    request: unknown,
    options: PostgresCreateOptions,
  ): Promise<PostgresCreateResult> {
    const spec = this.resolve(request);
    await this.#authorizeCaller(spec, options.credentials);
    const existing = await this.#get(spec.namespace, spec.name);
    if (existing) this.#refuseTakeover(existing, spec);
    let applied: PostgresInstanceObject | undefined;
    for (let attempt = 1; !applied; attempt++) {
      try {
        applied = await this.#options.client.apply(
          buildPostgresInstance(spec),
          {
            fieldManager: portalFieldManager(spec.componentRef),
            dryRun: options.dryRun,
          },
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // A request for another component may have created it since we looked: name its owner.
        const now = await this.#get(spec.namespace, spec.name);
        if (now) this.#refuseTakeover(now, spec);
        // An identical request creating it at the same moment can make the API server answer
        // 409 once; a field conflict repeats and is reported.
        if (attempt < 2) continue;
        throw new ConflictError(
          `Database ${spec.namespace}/${spec.name} was changed outside the portal and your request would overwrite those changes; request it with the values it has now, or ask the platform team. ${error.message}`,
        );
      }
    }
    this.#options.logger.info(
      `${options.dryRun ? 'Dry-run applied' : 'Applied'} PostgreSQLInstance ${
        spec.namespace
      }/${spec.name} for ${spec.componentRef} (${spec.provider})`,
    );
    const instance = summarizePostgresInstance(applied, []);
    if (!options.dryRun) await this.#announce(spec.namespace, spec.name);
    return {
      name: spec.name,
      namespace: spec.namespace,
      secretName: connectionSecretName(spec.name),
      provider: spec.provider,
      dryRun: Boolean(options.dryRun),
      ready: instance.ready,
      instance,
    };
  }

  /**
   * Waits until the XR is Ready for its current generation (a Ready condition observed for an
   * earlier spec does not count); on timeout fails with the condition that explains why not. The
   * signal stops the wait at once.
   */
  async waitForReady(
    namespace: string,
    name: string,
    timeoutMs: number,
    options: PostgresWaitOptions = {},
  ): Promise<PostgresInstanceSummary> {
    const { signal } = options;
    const deadline = Date.now() + timeoutMs;
    const interval = this.#options.pollIntervalMs ?? 1000;
    let lastExplanation: string | undefined;
    const cancelled = () =>
      Object.assign(
        new Error(
          `Stopped waiting for database ${namespace}/${name} to be Ready: the request was cancelled`,
        ),
        { name: 'AbortError' },
      );
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const xr = await this.#get(namespace, name);
      if (xr && isReadyForCurrentGeneration(xr)) {
        await this.#announce(namespace, name);
        return this.#summarize(xr);
      }
      const explanation = xr ? explainNotReady(xr) : 'it does not exist';
      if (explanation !== lastExplanation) {
        lastExplanation = explanation;
        options.onNotReady?.(explanation);
      }
      if (Date.now() >= deadline) {
        throw new ServiceUnavailableError(
          `Database ${namespace}/${name} was not Ready after ${Math.round(
            timeoutMs / 1000,
          )}s: ${explanation}`,
        );
      }
      try {
        await sleep(
          Math.min(interval, Math.max(deadline - Date.now(), 0)),
          undefined,
          { signal },
        );
      } catch (error) {
        if (signal?.aborted) throw cancelled();
        throw error;
      }
    }
  }

  /** The databases requested for a component, in every configured team namespace. */
  async listForComponent(
    component: string,
  ): Promise<PostgresInstanceSummary[]> {
    // The name goes into a label selector: nothing but a component ref may get there.
    if (!POSTGRES_COMPONENT_REF_PATTERN.test(component)) {
      throw new InputError(`Invalid component: ${POSTGRES_COMPONENT_REF_RULE}`);
    }
    const ref = parseEntityRef(component, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    const componentRef = stringifyEntityRef(ref);
    const namespaces = [
      ...new Set(Object.values(this.#options.teamNamespaces)),
    ];
    // One namespace the portal may not read (RBAC not yet applied for a new team) must not hide
    // the others; only when every namespace fails is the error the answer.
    const results = await Promise.allSettled(
      namespaces.map(ns =>
        this.#options.client.list<PostgresInstanceObject>(
          POSTGRES_INSTANCE_API_VERSION,
          POSTGRES_INSTANCE_KIND,
          ns,
          `${COMPONENT_LABEL}=${ref.name}`,
        ),
      ),
    );
    const failures = results.flatMap(r =>
      r.status === 'rejected' ? [r.reason as Error] : [],
    );
    if (failures.length && failures.length === results.length) {
      throw failures[0];
    }
    for (const failure of failures) {
      this.#options.logger.warn(
        `Skipping a namespace while listing databases: ${failure.message}`,
      );
    }
    const lists = results.flatMap(r =>
      r.status === 'fulfilled' ? [r.value] : [],
    );
    const instances = lists
      .flat()
      .filter(
        xr =>
          xr.metadata?.annotations?.[COMPONENT_REF_ANNOTATION] === componentRef,
      );
    return Promise.all(instances.map(xr => this.#summarize(xr)));
  }

  async #get(namespace: string, name: string) {
    return this.#options.client.get<PostgresInstanceObject>(
      POSTGRES_INSTANCE_API_VERSION,
      POSTGRES_INSTANCE_KIND,
      namespace,
      name,
    );
  }

  async #summarize(xr: PostgresInstanceObject) {
    const events = await this.#options.client.listEvents(
      xr.metadata!.namespace!,
      POSTGRES_INSTANCE_KIND,
      xr.metadata!.name!,
    );
    const recent: PostgresEvent[] = events
      .map(e => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        count: e.count,
        lastTimestamp:
          e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp
            ? new Date(
                (e.lastTimestamp ??
                  e.eventTime ??
                  e.metadata?.creationTimestamp) as string | Date,
              ).toISOString()
            : undefined,
      }))
      .sort((a, b) =>
        (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''),
      )
      .slice(0, RECENT_EVENTS);
    return summarizePostgresInstance(xr, recent);
  }

  /**
   * Who may request: a user allowed `crossplane.postgres.create` on the component by the policy
   * and a member of the owning team (or granted every team); for a component not in the catalog
   * yet, membership alone. A service principal only when its subject is in
   * `crossplane.serviceCallers`, and only for a component in the catalog: the permission framework
   * allows service principals everything (bar a token's access restrictions), so the list is the
   * only gate. The scaffolder action passes its initiator's user credentials.
   */
  async #authorizeCaller(
    spec: PostgresInstanceSpecInput,
    credentials: BackstageCredentials,
  ) {
    const inCatalog =
      (await this.#options.componentExists?.(spec.componentRef)) ?? true;
    if (isService(credentials)) {
      const subject = credentials.principal.subject;
      if (!(this.#options.serviceCallers ?? []).includes(subject)) {
        throw new NotAllowedError(
          `The service ${subject} may not request databases: only users may, and services listed in crossplane.serviceCallers`,
        );
      }
      if (!inCatalog) {
        throw new NotAllowedError(
          `You may not request databases for ${spec.componentRef}: it is not in the catalog`,
        );
      }
      // Still asked, so a token's access restrictions apply.
      await this.#authorize(spec.componentRef, credentials);
      return;
    }
    if (!isUser(credentials)) {
      throw new NotAllowedError('Only signed-in users may request databases');
    }
    if (inCatalog) {
      // The policy decides about the component first (403 for someone else's component); a
      // caller allowed there may still only use a team namespace they belong to (400 naming owner).
      await this.#authorize(spec.componentRef, credentials);
      await this.#checkMembership(spec, credentials, 'input');
    } else {
      // A component created in this very template run: its owning team is all there is to go by.
      await this.#checkMembership(spec, credentials, 'not-allowed');
    }
  }

  /**
   * Refuses a request whose name is taken by a database of another component (or one the portal
   * did not create), one being deleted, or one on another class of service: applying would
   * relabel it, change its deletion policy or be ignored by Crossplane.
   */
  #refuseTakeover(
    existing: PostgresInstanceObject,
    spec: PostgresInstanceSpecInput,
  ) {
    const target = `Database ${spec.namespace}/${spec.name}`;
    const ownerComponent =
      existing.metadata?.annotations?.[COMPONENT_REF_ANNOTATION];
    if (!sameRef(ownerComponent, spec.componentRef)) {
      const team =
        existing.spec?.owner ?? existing.metadata?.labels?.[OWNER_LABEL];
      const owner = ownerComponent
        ? `belongs to ${ownerComponent}${team ? ` of team ${team}` : ''}`
        : `was not requested through the portal${
            team ? ` (owner: team ${team})` : ''
          }`;
      throw new ConflictError(
        `${target} already exists and ${owner}; choose another name`,
      );
    }
    if (existing.metadata?.deletionTimestamp) {
      throw new ConflictError(
        `${target} is being deleted; request it again once it is gone, or choose another name`,
      );
    }
    const provider = selectedProvider(existing);
    if (provider && provider !== spec.provider) {
      throw new ConflictError(
        `${target} already exists on ${provider}, and a ${spec.environment} database gets ${spec.provider}; Crossplane chooses the Composition once, so choose another name for a new database`,
      );
    }
  }

  /**
   * A user may only put databases in a team namespace they belong to, unless the policy grants
   * them every team (the platform team).
   */
  async #checkMembership(
    spec: PostgresInstanceSpecInput,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    refusal: 'input' | 'not-allowed',
  ) {
    const { ownershipEntityRefs } = await this.#options.userInfo.getUserInfo(
      credentials,
    );
    if (ownershipEntityRefs.some(r => sameRef(r, spec.teamRef))) {
      return;
    }
    const [anyTeam] = await this.#options.permissions.authorize(
      [{ permission: crossplanePostgresCreateForAnyTeamPermission }],
      { credentials },
    );
    if (anyTeam.result === AuthorizeResult.ALLOW) return;
    if (refusal === 'input') {
      throw new InputError(
        `Invalid owner: you are not a member of team ${spec.team}, so you may not request databases in its namespace ${spec.namespace}`,
      );
    }
    throw new NotAllowedError(
      `You may not request databases for ${spec.componentRef}: it is not in the catalog yet, so only members of its owning team ${spec.team} may`,
    );
  }

  /** Tells the catalog's entity provider; a lost announcement only delays the entity. */
  async #announce(namespace: string, name: string) {
    try {
      await this.#options.events?.publish({
        topic: POSTGRES_INSTANCE_CHANGED_TOPIC,
        eventPayload: { namespace, name },
      });
    } catch (error) {
      this.#options.logger.warn(
        `Could not announce PostgreSQLInstance ${namespace}/${name}: ${
          (error as Error).message
        }`,
      );
    }
  }

  async #authorize(resourceRef: string, credentials: BackstageCredentials) {
    const [decision] = await this.#options.permissions.authorize(
      [{ permission: crossplanePostgresCreatePermission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not request databases for ${resourceRef}: only its owners may`,
      );
    }
  }
}
