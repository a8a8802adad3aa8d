import { ConfigSources } from '@backstage/config-loader';
import { ForwardedError, InputError } from '@backstage/errors';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Names the config files refer to only as `${NAME:-fallback}`: optional by design, so their absence
 * is not an error. Backstage's loader asks for such a variable exactly like a required one, so the
 * files themselves tell the two apart. A name also written as plain `${NAME}` stays required.
 */
function optionalVariableNames(argv: string[], rootDir?: string): Set<string> {
  const targets = ConfigSources.parseArgs(argv).flatMap(t =>
    t.type === 'path' ? [resolve(t.target)] : [],
  );
  const root = rootDir ?? process.cwd();
  const files =
    targets.length > 0
      ? targets
      : [
          resolve(root, 'app-config.yaml'),
          resolve(root, 'app-config.local.yaml'),
        ];
  const withFallback = new Set<string>();
  const withoutFallback = new Set<string>();
  for (const file of files.filter(f => existsSync(f))) {
    const text = readFileSync(file, 'utf8');
    for (const [, name, fallback] of text.matchAll(
      /(?<!\$)\$\{\s*([^{}:\s]+)\s*(:-[^{}]*)?\}/g,
    )) {
      (fallback === undefined ? withoutFallback : withFallback).add(name);
    }
  }
  return new Set([...withFallback].filter(name => !withoutFallback.has(name)));
}

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
  const optional = optionalVariableNames(options.argv, options.rootDir);
  const source = ConfigSources.default({
    argv: options.argv,
    env: options.env,
    rootDir: options.rootDir,
    substitutionFunc: async name => {
      const value = options.env[name]?.trim();
      if (!value) {
        if (!optional.has(name)) missing.add(name);
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
      `Missing required environment variable${
        missing.length > 1 ? 's' : ''
      }: ${missing.join(', ')}. The configuration refers to ${
        missing.length > 1 ? 'them' : 'it'
      } as \${NAME}; set ${
        missing.length > 1 ? 'each' : 'it'
      } before starting the backend (see docs/deployment.md).`,
    );
  }
}
