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
    .min(1)
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
  dryRun: boolean;
  ready: boolean;
  instance?: PostgresInstanceSummary;
}
