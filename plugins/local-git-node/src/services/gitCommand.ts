import { execFile } from 'node:child_process';

/** Environment for git: no user or system config, no prompts, stable output. */
function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

/** A failed git invocation; `stderr` is git's own message. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim() || `exit ${code}`}`);
    this.name = 'GitCommandError';
  }
}

/** Runs git with arguments (never through a shell) and returns stdout as a Buffer. */
export function runGit(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: gitEnvironment(options.env),
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new GitCommandError(
              args,
              (error as NodeJS.ErrnoException).code ?? null,
              stderr.toString('utf8'),
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}
