import { doraDeploymentKindSchema } from '@internal/plugin-dora-common';
import { z } from 'zod';
import { DoraDeploymentStatus } from '@internal/plugin-dora-common';
import { WebhookResult } from '../domain/events';
import { isProduction, NormalizeOptions } from './generic';
import { parseWith } from '@internal/plugin-portal-node';

const iso = z.iso.datetime({ offset: true });
/** Argo CD templates render missing values as an empty string or `<no value>`. */
const blankToUndefined = (value: unknown) =>
  value === '' || value === '<no value>' ? undefined : value;

/**
 * The JSON the Argo CD notification template sends (see the README for the template).
 */
const payload = z
  .object({
    app: z.string().min(1).max(256),
    revision: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[0-9a-f]{7,64}$/i)
        .transform(s => s.toLowerCase())
        .optional(),
    ),
    phase: z.enum(['Running', 'Terminating', 'Succeeded', 'Failed', 'Error']),
    startedAt: iso,
    finishedAt: z.preprocess(blankToUndefined, iso.optional()),
    environment: z.preprocess(
      blankToUndefined,
      z.string().min(1).max(256).default('production'),
    ),
    stream: z.preprocess(
      blankToUndefined,
      z.string().min(1).max(256).optional(),
    ),
    kind: z.preprocess(
      blankToUndefined,
      doraDeploymentKindSchema.default('regular'),
    ),
  })
  .strict();

const PHASES: Record<string, DoraDeploymentStatus> = {
  Running: 'in_progress',
  Terminating: 'cancelled',
  Succeeded: 'success',
  Failed: 'failure',
  Error: 'failure',
};

/**
 * Converts an Argo CD notification. A sync operation is identified by application and start time,
 * so its Running and Succeeded notifications update one deployment.
 */
export function normalizeArgoCdNotification(
  body: unknown,
  options: NormalizeOptions,
): WebhookResult {
  const p = parseWith(payload, body, 'Argo CD notification');
  const status = PHASES[p.phase];
  const terminal = status === 'success' || status === 'failure';
  if (terminal && !p.finishedAt) {
    return { ignored: `phase ${p.phase} without finishedAt is not recorded` };
  }
  return {
    events: [
      {
        type: 'deployment',
        source: 'argocd',
        externalId: `${p.app}@${p.startedAt}`,
        serviceKeyType: 'argocd',
        serviceKey: p.app,
        environment: p.environment,
        stream: p.stream ?? p.environment,
        production: isProduction(p.environment, options),
        status,
        kind: p.kind,
        commitSha: p.revision,
        startedAt: Date.parse(p.startedAt),
        finishedAt:
          terminal && p.finishedAt ? Date.parse(p.finishedAt) : undefined,
      },
    ],
  };
}
