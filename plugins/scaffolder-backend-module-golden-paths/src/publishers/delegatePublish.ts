import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';

/** What Backstage's publish actions output that the portal passes on. */
export interface DelegatedPublishOutputs {
  remoteUrl?: string;
  repoContentsUrl?: string;
}

/**
 * Runs one of Backstage's own publish actions (publish:github, publish:gitlab) inside the
 * running `portal:publish` step: the same workspace, logger, checkpoints and credentials, with the
 * given input, and collects its outputs instead of writing them as the step's.
 */
export async function runDelegatedPublish(
  action: { handler(ctx: any): Promise<void> },
  ctx: ActionContext<JsonObject, JsonObject>,
  input: Record<string, unknown>,
): Promise<DelegatedPublishOutputs> {
  const outputs: Record<string, unknown> = {};
  await action.handler({
    ...ctx,
    input,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  });
  return {
    remoteUrl: outputs.remoteUrl as string | undefined,
    repoContentsUrl: outputs.repoContentsUrl as string | undefined,
  };
}
