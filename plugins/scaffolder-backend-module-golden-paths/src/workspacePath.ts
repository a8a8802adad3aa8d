import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * `path` (an action input named `field`) inside the task's workspace. A path leaving the workspace
 * is refused by `resolveSafeChildPath` (NotAllowedError); one with a NUL byte, which the file
 * system calls beneath it reject with a plain TypeError, is refused here as bad input.
 */
export function resolveWorkspacePath(
  workspacePath: string,
  path: string,
  field: string,
): string {
  if (path.includes('\0')) {
    throw new InputError(
      `Invalid ${field} ${JSON.stringify(
        path.slice(0, 200),
      )}: a path in the workspace cannot contain a NUL character`,
    );
  }
  return resolveSafeChildPath(workspacePath, path);
}
