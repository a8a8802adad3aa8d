import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { promises as fs } from 'node:fs';
import {
  annotateCatalogInfo,
  buildProvenanceAnnotations,
  PROVENANCE_ANNOTATIONS,
} from '../provenance';
import { resolveWorkspacePath } from '../workspacePath';
import { examples } from './recordProvenance.examples';

/**
 * `portal:provenance:record`: writes the provenance annotations (template, version, non-secret
 * inputs, creation time, task id) into the workspace's catalog-info.yaml before publishing.
 *
 * @public
 */
export function createRecordProvenanceAction(
  options: { now?: () => Date } = {},
) {
  const now = options.now ?? (() => new Date());
  return createTemplateAction({
    id: 'portal:provenance:record',
    description:
      "Writes provenance annotations (source template, template version, the non-secret inputs, creation time, task id) into the workspace's catalog-info.yaml. Run it after fetching the skeleton and before publishing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the entity file in the workspace (default catalog-info.yaml)',
            ),
        inputs: z =>
          z
            .record(z.string(), z.any())
            .describe(
              'The template inputs to record, usually ${{ parameters }}; keys that look secret are dropped',
            ),
      },
      output: {
        annotations: z =>
          z.record(z.string(), z.string()).describe('The annotations written'),
      },
    },
    async handler(ctx) {
      const entityPath = ctx.input.entityPath ?? 'catalog-info.yaml';
      const file = resolveWorkspacePath(
        ctx.workspacePath,
        entityPath,
        'entityPath',
      );
      const source = await fs.readFile(file, 'utf8').catch(error => {
        if (error.code === 'ENOENT' || error.code === 'EISDIR') {
          throw new InputError(
            `Invalid entityPath ${JSON.stringify(
              entityPath,
            )}: no such file in the workspace; fetch the skeleton first`,
          );
        }
        throw error;
      });
      // The creation time is fixed once, so a recovered task records the same value.
      const createdAt = ctx.isDryRun
        ? now().toISOString()
        : await ctx.checkpoint({
            key: 'portal.provenance.created-at',
            fn: async () => now().toISOString(),
          });
      const templateVersion =
        ctx.templateInfo?.entity?.metadata?.annotations?.[
          PROVENANCE_ANNOTATIONS.templateVersion
        ];
      const annotations = buildProvenanceAnnotations({
        templateRef: ctx.templateInfo?.entityRef,
        templateVersion,
        inputs: ctx.input.inputs as JsonObject,
        createdAt,
        taskId: ctx.task.id,
      });
      if (!ctx.templateInfo?.entityRef) {
        ctx.logger.warn(
          'No template information on this task; recording provenance without the template',
        );
      }
      await fs.writeFile(
        file,
        annotateCatalogInfo(source, annotations, entityPath),
      );
      ctx.logger.info(
        `Recorded provenance in ${entityPath}: template ${
          ctx.templateInfo?.entityRef ?? 'unknown'
        } version ${templateVersion ?? 'unknown'}`,
      );
      ctx.output('annotations', annotations);
    },
  });
}
