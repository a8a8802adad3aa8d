import { ConfigSources } from '@backstage/config-loader';
import { ForwardedError, InputError } from '@backstage/errors';

/**
 * Loads the same configuration the backend is about to load and lists every `${VARIABLE}` it
 * refers to that is unset or empty. Backstage's loader would otherwise leave such values out
 * silently, and the failure would surface later, far from its cause (a database connection to
 * `undefined`, say).
 */
export async function findMissingEnvironmentVariables(options: {
  argv: string[];
  env: NodeJS.ProcessEnv;
  rootDir?: string;
}): Promise<string[]> {
  const missing = new Set<string>();
  const source = ConfigSources.default({
    argv: options.argv,
    env: options.env,
    rootDir: options.rootDir,
    substitutionFunc: async name => {
      const value = options.env[name]?.trim();
      if (!value) {
        missing.add(name);
        return undefined;
      }
      return value;
    },
  });
  try {
    const config = await ConfigSources.toConfig(source);
    config.close();
  } catch (error) {
    throw new ForwardedError('Could not load the configuration', error);
  }
  return [...missing].sort();
}

/** Fails start-up with a message that names each missing variable. */
export async function assertEnvironmentForConfig(options: {
  argv: string[];
  env: NodeJS.ProcessEnv;
  rootDir?: string;
}): Promise<void> {
  const missing = await findMissingEnvironmentVariables(options);
  if (missing.length > 0) {
    throw new InputError(
      `Missing required environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(
        ', ',
      )}. The configuration refers to ${
        missing.length > 1 ? 'them' : 'it'
      } as \${NAME}; set ${
        missing.length > 1 ? 'each' : 'it'
      } before starting the backend (see docs/deployment.md).`,
    );
  }
}
