import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  POSTGRES_COMPONENT_REF_PATTERN,
  POSTGRES_COMPONENT_REF_RULE,
  POSTGRES_DELETION_POLICIES,
  POSTGRES_ENVIRONMENTS,
  POSTGRES_NAME_PATTERN,
  POSTGRES_PROVIDERS,
  POSTGRES_PROVIDER_TITLES,
  POSTGRES_REGION_PATTERN,
  POSTGRES_SIZES,
  RESERVED_POSTGRES_NAMES,
  databaseEntityRef,
  describePostgresSize,
} from '@internal/plugin-crossplane-common';
import { PostgresProvisioningService } from '@internal/plugin-crossplane-node';
import { examples } from './createPostgres.examples';

/** Default and largest wait for Ready, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 600;
const MAX_TIMEOUT_SECONDS = 1800;

/**
 * `crossplane:postgres:create`: requests a PostgreSQL database for a component as a Crossplane
 * PostgreSQLInstance XR in the owning team's namespace, on behalf of the task's initiator.
 *
 * @public
 */
export function createCrossplanePostgresAction(options: {
  provisioning: PostgresProvisioningService;
}) {
  const { provisioning } = options;
  return createTemplateAction({
    id: 'crossplane:postgres:create',
    description:
      "Requests a PostgreSQL database through Crossplane in the owning team's namespace; the credentials land in a Secret whose name is returned (never the credentials).",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(
              POSTGRES_NAME_PATTERN,
              'must be 3 to 30 characters: a lowercase letter, then lowercase letters, digits or dashes',
            )
            .refine(name => !RESERVED_POSTGRES_NAMES.includes(name), {
              message: 'is a reserved name',
            })
            .describe(
              'Database name: 3 to 30 characters, lowercase letters, digits and dashes, starting with a letter',
            ),
        size: z =>
          z
            .enum(POSTGRES_SIZES)
            .describe(
              `What the database gets depends on its class of service (output classOfService). ${POSTGRES_SIZES.map(
                describePostgresSize,
              ).join('. ')}`,
            ),
        environment: z =>
          z
            .enum(POSTGRES_ENVIRONMENTS)
            .describe(
              'dev, staging or prod. Chooses the class of service through crossplane.compositionByEnvironment: the shared PostgreSQL server unless the platform team gives the environment dedicated RDS instances (production config: prod)',
            ),
        owner: z =>
          z
            .string()
            .describe('Owning team, e.g. payments or group:default/payments'),
        component: z =>
          z
            .string()
            .regex(POSTGRES_COMPONENT_REF_PATTERN, POSTGRES_COMPONENT_REF_RULE)
            .describe(
              'Entity ref of the component the database is for, e.g. component:default/payments-api',
            ),
        region: z =>
          z
            .string()
            .max(32)
            .regex(
              POSTGRES_REGION_PATTERN,
              'must be a cloud region such as eu-west-1',
            )
            .optional()
            .describe(
              'Cloud region of a dedicated RDS instance, e.g. eu-west-1; the shared server ignores it',
            ),
        backupRetentionDays: z =>
          z
            .number()
            .int()
            .min(0)
            .max(35)
            .optional()
            .describe(
              'Days of automated RDS backups (0 disables them); the shared server ignores it',
            ),
        deletionPolicy: z =>
          z
            .enum(POSTGRES_DELETION_POLICIES)
            .optional()
            .describe('Delete drops the database with the XR; Orphan keeps it'),
        waitForReady: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until the database is Ready (default true)'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(MAX_TIMEOUT_SECONDS)
            .optional()
            .describe(
              `How long to wait for Ready (default ${DEFAULT_TIMEOUT_SECONDS}); cancelling the task stops the wait`,
            ),
      },
      output: {
        name: z => z.string().describe('Name of the PostgreSQLInstance'),
        namespace: z =>
          z.string().describe('Namespace of the database and Secret'),
        secretName: z =>
          z
            .string()
            .describe(
              'Secret with host, port, database, username, password, uri',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog Resource entity of the database, e.g. resource:default/team-payments.orders-db',
            ),
        provider: z =>
          z
            .enum(POSTGRES_PROVIDERS)
            .describe(
              'The class of service: the platform.fernhill.io/provider label of the Composition selected (shared-server or aws-rds)',
            ),
        classOfService: z =>
          z
            .string()
            .describe(
              'The class of service in words, e.g. a database on the shared PostgreSQL server',
            ),
        ready: z => z.boolean().describe('Whether the database was Ready'),
        endpoint: z => z.string().optional().describe('host:port, once Ready'),
      },
    },
    async handler(ctx) {
      const { waitForReady = true, timeoutSeconds, ...request } = ctx.input;
      // Validation (and the team's namespace) first: bad input fails before anything is written.
      const spec = provisioning.resolve(request);
      const credentials = await ctx.getInitiatorCredentials();
      const target = `${spec.namespace}/${spec.name}`;

      if (ctx.isDryRun) {
        const result = await provisioning.create(request, {
          credentials,
          dryRun: true,
        });
        ctx.logger.info(
          `Dry run: the cluster accepted PostgreSQLInstance ${target}`,
        );
        ctx.output('name', result.name);
        ctx.output('namespace', result.namespace);
        ctx.output('secretName', result.secretName);
        ctx.output(
          'entityRef',
          databaseEntityRef(result.namespace, result.name),
        );
        ctx.output('provider', result.provider);
        ctx.output('classOfService', POSTGRES_PROVIDER_TITLES[result.provider]);
        ctx.output('ready', false);
        return;
      }

      // Checkpoints make a recovered task skip work it already did.
      const created = await ctx.checkpoint({
        key: `crossplane.postgres.apply.${target}`,
        fn: async () => {
          const result = await provisioning.create(request, { credentials });
          return {
            name: result.name,
            namespace: result.namespace,
            secretName: result.secretName,
            provider: result.provider,
          };
        },
      });
      ctx.logger.info(
        `Requested PostgreSQLInstance ${target} (${
          POSTGRES_PROVIDER_TITLES[created.provider]
        }); credentials will be in Secret ${created.secretName}`,
      );
      ctx.output('provider', created.provider);
      ctx.output('classOfService', POSTGRES_PROVIDER_TITLES[created.provider]);
      ctx.output('name', created.name);
      ctx.output('namespace', created.namespace);
      ctx.output('secretName', created.secretName);
      ctx.output(
        'entityRef',
        databaseEntityRef(created.namespace, created.name),
      );

      if (!waitForReady) {
        ctx.output('ready', false);
        return;
      }
      const ready = await ctx.checkpoint({
        key: `crossplane.postgres.ready.${target}`,
        fn: async () => {
          const instance = await provisioning.waitForReady(
            created.namespace,
            created.name,
            (timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
            {
              // A cancelled task stops waiting at once instead of polling to the timeout.
              signal: ctx.signal,
              // The user sees in the task log why it is still waiting (a failing Composition, a
              // provider error) instead of learning it only when the wait times out.
              onNotReady: explanation =>
                ctx.logger.info(
                  `PostgreSQLInstance ${target} is not Ready yet: ${explanation}`,
                ),
            },
          );
          return { endpoint: instance.endpoint ?? null };
        },
      });
      ctx.logger.info(`PostgreSQLInstance ${target} is Ready`);
      ctx.output('ready', true);
      if (ready.endpoint) ctx.output('endpoint', ready.endpoint);
    },
  });
}
