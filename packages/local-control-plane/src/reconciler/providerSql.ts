import { randomBytes } from 'node:crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { ObjectService } from '../api/ObjectService';
import { JsonObject, KubeObject } from '../api/objects';
import { ResourceTypeRegistry } from '../api/resourceTypes';
import { ApiError } from '../api/status';
import { Condition, setConditions } from './conditions';
import { PostgresServer } from './postgresServer';

/**
 * provider-sql v0.13's namespaced PostgreSQL managed resources (`postgresql.sql.m.crossplane.io`
 * Role, Database, Grant) carried out against the local server, with the provider's semantics
 * (crossplane-contrib/provider-sql pkg/controller/namespaced/postgresql/{role,database,grant}):
 *
 * - the external name is the `crossplane.io/external-name` annotation (the object's name otherwise);
 * - Observe, then Create when missing or Update when drifted, as the management policies allow;
 * - a Role publishes `username`, `password`, `endpoint`, `port` to writeConnectionSecretToRef only on
 *   Create, or on Update when its passwordSecretRef password differs from the published one: a role
 *   that already exists (say, kept by an Orphan delete) publishes nothing until its password changes;
 * - a Database is created with OWNER, so the admin must be able to SET ROLE to the owner (PostgreSQL
 *   16+: a non-superuser admin needs `createrole_self_grant`, see the package README);
 * - a database Grant revokes and re-grants the privileges, and with revokePublicOnDb revokes ALL from
 *   PUBLIC; it exists while the role holds the privileges (and PUBLIC none, with revokePublicOnDb);
 * - on deletion, the finalizer is released after Delete only when the policies include Delete (`*`);
 *   without it (deletionPolicy Orphan) the role and database stay on the server;
 * - Ready=True (Available) whenever Observe finds the external resource.
 */

export const PROVIDER_SQL_GROUP = 'postgresql.sql.m.crossplane.io';
/** crossplane-runtime's finalizer on managed resources. */
export const MANAGED_FINALIZER = 'finalizer.managedresource.crossplane.io';
const MANAGER = 'local-control-plane/provider-sql';
const EXTERNAL_NAME = 'crossplane.io/external-name';
/** The ClusterProviderConfig the local server stands in for. */
export const LOCAL_PROVIDER_CONFIG = 'shared-postgres';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: unknown) =>
  typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '';

interface ManagedSpec {
  managementPolicies?: string[];
  providerConfigRef?: { kind?: string; name?: string };
  forProvider?: JsonObject;
  writeConnectionSecretToRef?: { name?: string };
}

const allows = (spec: ManagedSpec, action: string) => {
  const policies = spec.managementPolicies ?? ['*'];
  return policies.includes('*') || policies.includes(action);
};

export const externalName = (mr: KubeObject) =>
  mr.metadata.annotations?.[EXTERNAL_NAME] ?? mr.metadata.name!;

/** What one managed-resource reconcile observed. */
export interface ManagedOutcome {
  /** The resource was removed (its finalizer released). */
  gone?: boolean;
  ready: boolean;
}

/** What shorthand database privileges expand to in pg_database.datacl (grant_types.go). */
const DATABASE_PRIVILEGE_SHORTHANDS: Record<string, string[]> = {
  ALL: ['CREATE', 'TEMPORARY', 'CONNECT'],
  'ALL PRIVILEGES': ['CREATE', 'TEMPORARY', 'CONNECT'],
  TEMP: ['TEMPORARY'],
};

/** The managed resource kinds this module serves (resource names of their CRDs). */
export const PROVIDER_SQL_RESOURCES = ['roles', 'databases', 'grants'];

export class ProviderSql {
  constructor(
    private readonly deps: {
      service: ObjectService;
      registry: ResourceTypeRegistry;
      server: PostgresServer;
      logger: (line: string) => void;
    },
  ) {}

  private type(resource: string) {
    return this.deps.registry
      .all()
      .find(t => t.group === PROVIDER_SQL_GROUP && t.resource === resource)!;
  }

  private secretType() {
    return this.deps.registry.lookup('', 'v1', 'secrets')!;
  }

  private query(sql: string, params?: unknown[]) {
    return this.deps.server.pool.query(sql, params);
  }

  /** One managed reconcile (Observe / Create / Update / Delete) of a Role, Database or Grant. */
  async reconcile(
    resource: string,
    observedMr: KubeObject,
  ): Promise<ManagedOutcome> {
    const type = this.type(resource);
    let mr = observedMr;
    const spec = (mr.spec ?? {}) as ManagedSpec;
    try {
      const config = spec.providerConfigRef?.name;
      if (config !== LOCAL_PROVIDER_CONFIG) {
        throw new Error(
          `cannot get ClusterProviderConfig ${config}: the local control plane serves only ${LOCAL_PROVIDER_CONFIG}`,
        );
      }
      if (mr.metadata.deletionTimestamp) {
        return await this.delete(resource, mr, spec);
      }
      if (!mr.metadata.finalizers?.includes(MANAGED_FINALIZER)) {
        mr = this.deps.service.patch(
          type,
          mr.metadata.namespace,
          mr.metadata.name!,
          'merge',
          {
            metadata: {
              finalizers: [
                ...(mr.metadata.finalizers ?? []),
                MANAGED_FINALIZER,
              ],
              resourceVersion: mr.metadata.resourceVersion,
            },
          },
          { fieldManager: MANAGER },
        ).object;
      }
      if (resource === 'grants') {
        mr = this.persistReferences(type, mr, spec.forProvider ?? {});
      }
      let exists = await this.observe(resource, mr, spec);
      if (!exists.exists && allows(spec, 'Create')) {
        await this.create(resource, mr, spec);
        exists = await this.observe(resource, mr, spec);
      } else if (exists.exists && !exists.upToDate && allows(spec, 'Update')) {
        await this.update(resource, mr, spec);
        exists = await this.observe(resource, mr, spec);
      }
      this.writeConditions(type, mr, [
        {
          type: 'Synced',
          status: 'True',
          reason: 'ReconcileSuccess',
        },
        exists.exists
          ? { type: 'Ready', status: 'True', reason: 'Available' }
          : { type: 'Ready', status: 'False', reason: 'Creating' },
      ]);
      return { ready: exists.exists };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.writeConditions(type, mr, [
        { type: 'Synced', status: 'False', reason: 'ReconcileError', message },
      ]);
      throw new Error(`${mr.kind} ${mr.metadata.name}: ${message}`);
    }
  }

  private async delete(
    resource: string,
    mr: KubeObject,
    spec: ManagedSpec,
  ): Promise<ManagedOutcome> {
    const type = this.type(resource);
    if (!mr.metadata.finalizers?.includes(MANAGED_FINALIZER)) {
      return { gone: true, ready: false };
    }
    if (allows(spec, 'Delete')) {
      const observed = await this.observe(resource, mr, spec).catch(() => ({
        exists: false,
      }));
      if (observed.exists) {
        await this.remove(resource, mr, spec);
        this.deps.logger(
          `provider-sql: deleted ${mr.kind} ${externalName(mr)}`,
        );
      }
    }
    this.deps.service.patch(
      type,
      mr.metadata.namespace,
      mr.metadata.name!,
      'merge',
      {
        metadata: {
          finalizers: mr.metadata.finalizers.filter(
            f => f !== MANAGED_FINALIZER,
          ),
          resourceVersion: mr.metadata.resourceVersion,
        },
      },
      { fieldManager: MANAGER },
    );
    return { gone: true, ready: false };
  }

  // ---- Observe ----

  private async observe(
    resource: string,
    mr: KubeObject,
    spec: ManagedSpec,
  ): Promise<{ exists: boolean; upToDate?: boolean }> {
    const p = spec.forProvider ?? {};
    const name = externalName(mr);
    if (resource === 'roles') {
      const row = (
        await this.query(
          'select rolcanlogin, rolconnlimit from pg_roles where rolname = $1',
          [name],
        )
      ).rows[0];
      if (!row) return { exists: false };
      const { changed } = this.password(mr, spec);
      const login = (p.privileges as JsonObject | undefined)?.login;
      const upToDate =
        !changed &&
        (p.connectionLimit === undefined ||
          Number(p.connectionLimit) === row.rolconnlimit) &&
        (login === undefined || login === row.rolcanlogin);
      return { exists: true, upToDate };
    }
    if (resource === 'databases') {
      const row = (
        await this.query(
          'select pg_get_userbyid(datdba) as owner, datconnlimit from pg_database where datname = $1',
          [name],
        )
      ).rows[0];
      if (!row) return { exists: false };
      const upToDate =
        (p.owner === undefined || p.owner === row.owner) &&
        (p.connectionLimit === undefined ||
          Number(p.connectionLimit) === row.datconnlimit);
      return { exists: true, upToDate };
    }
    // Grant on a database: the role holds the expanded privileges (and PUBLIC none, when asked).
    const { role, database, privileges } = this.grantTarget(mr, p);
    const acl = await this.query(
      `select coalesce(r.rolname, 'PUBLIC') as grantee, a.privilege_type
         from pg_database d, aclexplode(d.datacl) a
         left join pg_roles r on r.oid = a.grantee
        where d.datname = $1`,
      [database],
    );
    const held = new Set(
      acl.rows.filter(r => r.grantee === role).map(r => r.privilege_type),
    );
    const publicHolds = acl.rows.some(r => r.grantee === 'PUBLIC');
    const dbExists = (
      await this.query('select 1 from pg_database where datname = $1', [
        database,
      ])
    ).rowCount;
    const exists =
      !!dbExists &&
      privileges.every(x => held.has(x)) &&
      !(p.revokePublicOnDb === true && (publicHolds || acl.rowCount === 0));
    return { exists, upToDate: true };
  }

  // ---- Create / Update / Delete ----

  private async create(resource: string, mr: KubeObject, spec: ManagedSpec) {
    const p = spec.forProvider ?? {};
    const name = escapeIdentifier(externalName(mr));
    if (resource === 'roles') {
      const { password } = this.password(mr, spec);
      const pw = password || randomBytes(24).toString('base64url');
      await this.query(
        `create role ${name} password ${escapeLiteral(pw)} ${roleClauses(p)}`,
      );
      await this.publish(mr, spec, externalName(mr), pw);
      return;
    }
    if (resource === 'databases') {
      let sql = `create database ${name}`;
      if (typeof p.owner === 'string')
        sql += ` owner ${escapeIdentifier(p.owner)}`;
      if (typeof p.encoding === 'string')
        sql += ` encoding ${escapeLiteral(p.encoding)}`;
      if (p.connectionLimit !== undefined)
        sql += ` connection limit ${Math.floor(Number(p.connectionLimit))}`;
      await this.query(sql);
      return;
    }
    const { role, database, privileges } = this.grantTarget(mr, p);
    const list = (p.privileges as string[]).join(',');
    const db = escapeIdentifier(database);
    await this.query(
      `revoke ${list} on database ${db} from ${escapeIdentifier(role)}`,
    );
    await this.query(
      `grant ${list} on database ${db} to ${escapeIdentifier(role)}`,
    );
    if (p.revokePublicOnDb === true) {
      await this.query(`revoke all on database ${db} from public`);
    }
    void privileges;
  }

  private async update(resource: string, mr: KubeObject, spec: ManagedSpec) {
    const p = spec.forProvider ?? {};
    const name = escapeIdentifier(externalName(mr));
    if (resource === 'roles') {
      const { password, changed } = this.password(mr, spec);
      if (changed) {
        await this.query(
          `alter role ${name} password ${escapeLiteral(password)}`,
        );
      }
      const clauses = roleClauses(p);
      if (clauses) await this.query(`alter role ${name} ${clauses}`);
      if (p.connectionLimit !== undefined) {
        await this.query(
          `alter role ${name} connection limit ${Math.floor(
            Number(p.connectionLimit),
          )}`,
        );
      }
      // Connection details are published again only when the password changed.
      if (changed) await this.publish(mr, spec, externalName(mr), password);
      return;
    }
    if (resource === 'databases') {
      if (typeof p.owner === 'string') {
        await this.query(
          `alter database ${name} owner to ${escapeIdentifier(p.owner)}`,
        );
      }
      if (p.connectionLimit !== undefined) {
        await this.query(
          `alter database ${name} connection limit = ${Math.floor(
            Number(p.connectionLimit),
          )}`,
        );
      }
    }
  }

  private async remove(resource: string, mr: KubeObject, spec: ManagedSpec) {
    const name = escapeIdentifier(externalName(mr));
    if (resource === 'roles') {
      await this.query(`drop role if exists ${name}`);
    } else if (resource === 'databases') {
      // As provider-sql: no FORCE, so open sessions make the delete fail and retry.
      await this.query(`drop database if exists ${name}`);
    } else {
      const p = spec.forProvider ?? {};
      const { role, database } = this.grantTarget(mr, p);
      await this.query(
        `revoke ${(p.privileges as string[]).join(
          ',',
        )} on database ${escapeIdentifier(database)} from ${escapeIdentifier(
          role,
        )}`,
      );
    }
  }

  // ---- helpers ----

  /**
   * As crossplane-runtime's reference resolver: roleRef/databaseRef resolve into spec.forProvider.role
   * and .database, which stay on the object, so a deleting Grant no longer needs its references.
   */
  private persistReferences(
    type: ReturnType<ProviderSql['type']>,
    mr: KubeObject,
    p: JsonObject,
  ): KubeObject {
    const { role, database } = this.grantTarget(mr, {
      ...p,
      role: undefined as never,
      database: undefined as never,
    });
    if (p.role === role && p.database === database) return mr;
    p.role = role;
    p.database = database;
    return this.deps.service.patch(
      type,
      mr.metadata.namespace,
      mr.metadata.name!,
      'merge',
      {
        spec: { forProvider: { role, database } },
        metadata: { resourceVersion: mr.metadata.resourceVersion },
      },
      { fieldManager: MANAGER },
    ).object;
  }

  /** passwordSecretRef's password, and whether it differs from the published one (role/utils.go). */
  private password(
    mr: KubeObject,
    spec: ManagedSpec,
  ): { password: string; changed: boolean } {
    const ref = spec.forProvider?.passwordSecretRef as
      | { name?: string; key?: string }
      | undefined;
    if (!ref) return { password: '', changed: false };
    const source = this.deps.service.find(
      this.secretType(),
      mr.metadata.namespace,
      String(ref.name),
    );
    if (!source) {
      throw new Error(
        `cannot get password secret: secrets "${ref.name}" not found`,
      );
    }
    const password = unb64(
      (source.data as Record<string, string> | undefined)?.[String(ref.key)],
    );
    const target = spec.writeConnectionSecretToRef?.name;
    if (!target) return { password, changed: false };
    const published = this.deps.service.find(
      this.secretType(),
      mr.metadata.namespace,
      target,
    );
    const current = unb64(
      (published?.data as Record<string, string> | undefined)?.password,
    );
    return { password, changed: password !== '' && password !== current };
  }

  /** Resolves roleRef/databaseRef to the referenced managed resources' external names. */
  private grantTarget(mr: KubeObject, p: JsonObject) {
    const resolve = (field: string, resource: string) => {
      if (typeof p[field] === 'string') return p[field] as string;
      const ref = p[`${field}Ref`] as { name?: string } | undefined;
      if (!ref?.name)
        throw new Error(`spec.forProvider.${field}: no value and no reference`);
      const target = this.deps.service.find(
        this.type(resource),
        mr.metadata.namespace,
        ref.name,
      );
      if (!target) {
        throw new Error(
          `spec.forProvider.${field}: referenced ${resource} ${ref.name} not found`,
        );
      }
      return externalName(target);
    };
    const privileges = ((p.privileges as string[] | undefined) ?? []).flatMap(
      x => DATABASE_PRIVILEGE_SHORTHANDS[x] ?? [x],
    );
    if (privileges.length === 0) throw new Error('privileges not passed');
    return {
      role: resolve('role', 'roles'),
      database: resolve('database', 'databases'),
      privileges,
    };
  }

  /** Writes the Role's connection details to its connection Secret, owned by the Role. */
  private async publish(
    mr: KubeObject,
    spec: ManagedSpec,
    username: string,
    password: string,
  ) {
    const name = spec.writeConnectionSecretToRef?.name;
    if (!name) return;
    const { server } = this.deps;
    this.deps.service.patch(
      this.secretType(),
      mr.metadata.namespace,
      name,
      'apply',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: mr.metadata.namespace,
          ownerReferences: [
            {
              apiVersion: mr.apiVersion,
              kind: mr.kind,
              name: mr.metadata.name!,
              uid: mr.metadata.uid!,
              controller: true,
            },
          ],
        },
        type: 'connection.crossplane.io/v1alpha1',
        data: {
          username: b64(username),
          password: b64(password),
          endpoint: b64(server.host),
          port: b64(String(server.port)),
        },
      },
      { fieldManager: MANAGER, force: true },
    );
  }

  private writeConditions(
    type: ReturnType<ProviderSql['type']>,
    mr: KubeObject,
    conditions: Array<Omit<Condition, 'lastTransitionTime'>>,
  ) {
    const current = this.deps.service.find(
      type,
      mr.metadata.namespace,
      mr.metadata.name!,
    );
    if (!current) return;
    const status = { ...((current.status as JsonObject) ?? {}) };
    status.conditions = setConditions(
      status.conditions as unknown as Condition[] | undefined,
      conditions.map(c => ({
        ...c,
        observedGeneration: current.metadata.generation,
      })),
      now(),
    ) as unknown as JsonObject[];
    try {
      this.deps.service.update(
        type,
        mr.metadata.namespace,
        mr.metadata.name!,
        { ...current, status },
        { subresource: 'status', fieldManager: MANAGER },
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }
}

/** Role privilege clauses (LOGIN / NOLOGIN, ...) for the privileges set in the spec. */
function roleClauses(p: JsonObject): string {
  const privileges = (p.privileges ?? {}) as Record<string, unknown>;
  const clauses: Array<[string, string]> = [
    ['superUser', 'SUPERUSER'],
    ['inherit', 'INHERIT'],
    ['createDb', 'CREATEDB'],
    ['createRole', 'CREATEROLE'],
    ['login', 'LOGIN'],
    ['replication', 'REPLICATION'],
    ['bypassRls', 'BYPASSRLS'],
  ];
  return clauses
    .filter(([key]) => typeof privileges[key] === 'boolean')
    .map(([key, clause]) => (privileges[key] ? clause : `NO${clause}`))
    .join(' ');
}
