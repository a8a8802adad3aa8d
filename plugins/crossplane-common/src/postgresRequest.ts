import { z } from 'zod';

/** T-shirt sizes the XRD accepts. @public */
export const POSTGRES_SIZES = ['small', 'medium', 'large'] as const;
/** Environments the XRD accepts. @public */
export const POSTGRES_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/**
 * Names that would collide with PostgreSQL's own databases and roles or read as something else.
 * @public
 */
export const RESERVED_POSTGRES_NAMES: readonly string[] = [
  'postgres',
  'template0',
  'template1',
  'admin',
  'root',
  'public',
  'default',
  'system',
  'crossplane',
  'kubernetes',
];

/** Name rule: lowercase DNS label that is also a safe PostgreSQL identifier. @public */
export const POSTGRES_NAME_PATTERN = /^[a-z][a-z0-9-]{2,29}$/;

/** Cloud region rule, as the XRD has it (e.g. eu-west-1). @public */
export const POSTGRES_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;

/** Deletion policies the XRD accepts. @public */
export const POSTGRES_DELETION_POLICIES = ['Delete', 'Orphan'] as const;

/**
 * A component entity ref as the catalog spells it: `component:<namespace>/<name>`, where kind and
 * namespace may be left out (`payments-api`, `default/payments-api`). Names follow the catalog's
 * rule (1 to 63 letters, digits, `-`, `_`, `.`, alphanumeric at both ends) and namespaces are DNS
 * labels, so the name is also a valid Kubernetes label value: the portal puts it in the XR's
 * `backstage.io/component` label and the whole ref in an annotation.
 *
 * @public
 */
export const POSTGRES_COMPONENT_REF_PATTERN =
  /^(?:[Cc]omponent:)?(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\/)?[a-zA-Z0-9](?:[-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

/** What {@link POSTGRES_COMPONENT_REF_PATTERN} allows, for error messages and descriptions. @public */
export const POSTGRES_COMPONENT_REF_RULE =
  'must be a component entity ref such as component:default/payments-api (kind and namespace optional; the name 1 to 63 letters, digits, dashes, underscores or dots)';

/**
 * The class of service a request gets, as the `platform.fernhill.io/provider` label value of the
 * Composition that serves it (crossplane/composition-*.yaml): a database on the shared PostgreSQL
 * server, or a dedicated Amazon RDS instance.
 *
 * @public
 */
export const POSTGRES_PROVIDERS = ['shared-server', 'aws-rds'] as const;

/** @public */
export type PostgresProvider = (typeof POSTGRES_PROVIDERS)[number];

/**
 * What an environment gets when the portal's config does not say: the shared server, the XRD's
 * `defaultCompositionRef`.
 *
 * @public
 */
export const POSTGRES_DEFAULT_PROVIDER: PostgresProvider = 'shared-server';

/** What each class of service is, in words for forms and results. @public */
export const POSTGRES_PROVIDER_TITLES: Readonly<
  Record<PostgresProvider, string>
> = {
  'shared-server': 'a database on the shared PostgreSQL server',
  'aws-rds': 'a dedicated Amazon RDS instance',
};

/**
 * What each size gets on each class of service, as `crossplane/environment-sizes.yaml` defines it
 * (a test holds the two together): on the shared server a size is a connection limit, on RDS an
 * instance class with its storage.
 *
 * @public
 */
export const POSTGRES_SIZE_DETAILS: Readonly<
  Record<
    (typeof POSTGRES_SIZES)[number],
    {
      sharedServer: { connectionLimit: number };
      rds: {
        instanceClass: string;
        vcpu: number;
        memoryGiB: number;
        allocatedStorageGiB: number;
        maxAllocatedStorageGiB: number;
      };
    }
  >
> = {
  small: {
    sharedServer: { connectionLimit: 20 },
    rds: {
      instanceClass: 'db.t4g.small',
      vcpu: 2,
      memoryGiB: 2,
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
    },
  },
  medium: {
    sharedServer: { connectionLimit: 50 },
    rds: {
      instanceClass: 'db.m6g.large',
      vcpu: 2,
      memoryGiB: 8,
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 500,
    },
  },
  large: {
    sharedServer: { connectionLimit: 100 },
    rds: {
      instanceClass: 'db.r6g.xlarge',
      vcpu: 4,
      memoryGiB: 32,
      allocatedStorageGiB: 500,
      maxAllocatedStorageGiB: 2000,
    },
  },
};

/**
 * One line per size saying what it is on each class of service, e.g. "small: shared server up to
 * 20 connections; RDS db.t4g.small (2 vCPU, 2 GiB RAM, 20 GiB storage growing to 100 GiB)".
 *
 * @public
 */
export function describePostgresSize(
  size: (typeof POSTGRES_SIZES)[number],
): string {
  const { sharedServer, rds } = POSTGRES_SIZE_DETAILS[size];
  return `${size}: shared server up to ${sharedServer.connectionLimit} connections; RDS ${rds.instanceClass} (${rds.vcpu} vCPU, ${rds.memoryGiB} GiB RAM, ${rds.allocatedStorageGiB} GiB storage growing to ${rds.maxAllocatedStorageGiB} GiB)`;
}

/** The Compositions' label the portal selects one by (`spec.crossplane.compositionSelector`). @public */
export const POSTGRES_PROVIDER_LABEL = 'platform.fernhill.io/provider';

/**
 * A request for a PostgreSQL database, as the REST endpoint and the scaffolder action accept it.
 * @public
 */
export const postgresRequestSchema = z.object({
  name: z
    .string()
    .regex(
      POSTGRES_NAME_PATTERN,
      'must be 3 to 30 characters: a lowercase letter, then lowercase letters, digits or dashes',
    )
    .refine(name => !RESERVED_POSTGRES_NAMES.includes(name), {
      message: 'is a reserved name',
    }),
  size: z.enum(POSTGRES_SIZES),
  environment: z.enum(POSTGRES_ENVIRONMENTS),
  owner: z
    .string()
    .min(1)
    .describe('Owning team, e.g. payments or group:default/payments'),
  component: z
    .string()
    .regex(POSTGRES_COMPONENT_REF_PATTERN, POSTGRES_COMPONENT_REF_RULE)
    .describe('Entity ref of the component the database is for'),
  region: z
    .string()
    .max(32)
    .regex(POSTGRES_REGION_PATTERN, 'must be a cloud region such as eu-west-1')
    .optional(),
  backupRetentionDays: z.number().int().min(0).max(35).optional(),
  deletionPolicy: z.enum(POSTGRES_DELETION_POLICIES).optional(),
});

/** @public */
export type PostgresRequest = z.infer<typeof postgresRequestSchema>;

/** A Kubernetes-style condition of a database. @public */
export interface PostgresCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A Kubernetes event about a database. @public */
export interface PostgresEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
}

/**
 * What the portal shows about one database. Never contains credentials: only the Secret's name.
 * @public
 */
export interface PostgresInstanceSummary {
  name: string;
  namespace: string;
  owner?: string;
  component?: string;
  size?: string;
  environment?: string;
  /** The class of service: the Composition label the XR selects, when it selects one. */
  provider?: string;
  secretName?: string;
  endpoint?: string;
  ready: boolean;
  synced: boolean;
  conditions: PostgresCondition[];
  events: PostgresEvent[];
  /** The XR as stored in the cluster (metadata.managedFields removed). */
  object: Record<string, unknown>;
}

/** Result of a create request. @public */
export interface PostgresCreateResult {
  name: string;
  namespace: string;
  secretName: string;
  /** The class of service the request selected (see {@link POSTGRES_PROVIDERS}). */
  provider: PostgresProvider;
  dryRun: boolean;
  ready: boolean;
  instance?: PostgresInstanceSummary;
}
