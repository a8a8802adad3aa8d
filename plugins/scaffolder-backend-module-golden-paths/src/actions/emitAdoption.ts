import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { AdoptionEventSender, buildAdoptionEvent } from '../adoption';
import { PROVENANCE_ANNOTATIONS } from '../provenance';
import { examples } from './emitAdoption.examples';

/**
 * `portal:adoption:emit`: records a golden-path outcome for the adoption dashboards. Never fails
 * the run: when the adoption plugin is absent or unreachable it logs a warning and succeeds.
 *
 * @public
 */
export function createEmitAdoptionAction(options: {
  sender: AdoptionEventSender;
  now?: () => Date;
}) {
  const { sender } = options;
  const now = options.now ?? (() => new Date());
  return createTemplateAction({
    id: 'portal:adoption:emit',
    description:
      'Posts an adoption event (template run or self-service request) to the adoption dashboards. If the adoption plugin is absent or unreachable it warns and succeeds.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        type: z =>
          z.enum(['template-run', 'self-service']).describe('What was adopted'),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe('The entity created, e.g. component:default/orders-api'),
        owner: z =>
          z
            .string()
            .optional()
            .describe('Owning team, e.g. group:default/payments'),
        kind: z =>
          z
            .enum(['service', 'database', 'site', 'job'])
            .optional()
            .describe('What kind of thing was created'),
        requestedAt: z =>
          z
            .string()
            .datetime({ offset: true })
            .optional()
            .describe('ISO time the developer submitted the form'),
      },
      output: {
        eventId: z => z.string().describe('Idempotency key of the event'),
        delivered: z =>
          z
            .boolean()
            .describe('Whether the adoption plugin accepted the event'),
      },
    },
    async handler(ctx) {
      const event = buildAdoptionEvent({
        ...ctx.input,
        taskId: ctx.task.id,
        now: now(),
        templateRef: ctx.templateInfo?.entityRef,
        templateVersion:
          ctx.templateInfo?.entity?.metadata?.annotations?.[
            PROVENANCE_ANNOTATIONS.templateVersion
          ],
      });
      ctx.output('eventId', event.id);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would record adoption event ${event.id}`);
        ctx.output('delivered', false);
        return;
      }
      const delivery = await ctx.checkpoint({
        key: `portal.adoption.${event.id}`,
        fn: async () => sender.send([event]),
      });
      if (delivery.delivered) {
        ctx.logger.info(`Recorded adoption event ${event.id}`);
      } else {
        ctx.logger.warn(
          `Adoption event ${event.id} not recorded: ${delivery.reason}. The run continues.`,
        );
      }
      ctx.output('delivered', delivery.delivered);
    },
  });
}
