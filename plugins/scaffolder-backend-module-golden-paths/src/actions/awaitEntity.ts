import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { normalizeEntityRef } from '@internal/plugin-portal-node';
import { examples } from './awaitEntity.examples';

/** How often the catalog is asked while waiting. */
const POLL_INTERVAL_MS = 500;

/**
 * `portal:catalog:await-entity`: waits until a just-registered entity can be read from the
 * catalog. `catalog:register` only adds the location; the entity appears once the catalog has
 * processed and stitched it, so a user following the task's "Open in catalog" link straight away
 * could land on "entity not found". Not finding it in time is reported, not fatal: everything was
 * created, and the entity follows shortly.
 *
 * @public
 */
export function createAwaitEntityAction(options: {
  catalog: CatalogService;
  pollIntervalMs?: number;
}) {
  const { catalog, pollIntervalMs = POLL_INTERVAL_MS } = options;
  return createTemplateAction({
    id: 'portal:catalog:await-entity',
    description:
      'Waits until a just-registered entity can be read from the catalog, so that links to it work when the task finishes. Outputs whether it appeared in time; a timeout is a warning, not a failure.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .max(512)
            .describe(
              'The entity to wait for, as kind:namespace/name (or kind:name), e.g. the entityRef output of catalog:register',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(600)
            .optional()
            .describe(
              'How long to wait at most, 1 to 600 seconds (default 60)',
            ),
      },
      output: {
        visible: z =>
          z
            .boolean()
            .describe('Whether the entity could be read before the timeout'),
      },
    },
    async handler(ctx) {
      const entityRef = normalizedEntityRef(ctx.input.entityRef);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for ${entityRef} in the catalog`);
        ctx.output('visible', false);
        return;
      }
      const timeoutMs = (ctx.input.timeoutSeconds ?? 60) * 1000;
      const credentials = await ctx.getInitiatorCredentials();
      const deadline = Date.now() + timeoutMs;
      let lastError: string | undefined;
      for (;;) {
        try {
          if (await catalog.getEntityByRef(entityRef, { credentials })) {
            ctx.logger.info(`${entityRef} is in the catalog`);
            ctx.output('visible', true);
            return;
          }
        } catch (error) {
          // A catalog replica restarting must not fail a task whose work is all done.
          lastError = errorMessage(error);
        }
        if (Date.now() >= deadline || ctx.signal?.aborted) break;
        await new Promise(resolve => setTimeout(resolve, pollIntervalMs));
      }
      ctx.logger.warn(
        `${entityRef} was registered but the catalog has not shown it within ${
          timeoutMs / 1000
        } s; it appears once the catalog has processed its location${
          lastError ? ` (last catalog error: ${lastError})` : ''
        }`,
      );
      ctx.output('visible', false);
    },
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function normalizedEntityRef(ref: string): string {
  // Without defaults, a ref lacking its kind is refused; the namespace defaults to default.
  const normalized = normalizeEntityRef(ref);
  if (!normalized) {
    throw new InputError(
      `Invalid entityRef "${ref.slice(
        0,
        100,
      )}": expected an entity ref kind:namespace/name (or kind:name in the default namespace), such as component:default/orders-api`,
    );
  }
  return normalized;
}
