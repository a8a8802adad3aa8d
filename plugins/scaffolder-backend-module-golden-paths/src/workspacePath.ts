import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/**
 * `path` (an action input named `field`) inside the task's workspace. A path leaving the workspace
 * is refused by `resolveSafeChildPath` (NotAllowedError). The file system calls beneath it reject
 * some paths with errors of their own (a NUL byte: TypeError; a name longer than the file system
 * allows: ENAMETOOLONG); those are refused here as bad input naming the field.
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
  try {
    return resolveSafeChildPath(workspacePath, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') {
      throw new InputError(
        `Invalid ${field} ${JSON.stringify(
          path.slice(0, 200),
        )}: not a path in the workspace (${code})`,
      );
    }
    throw error;
  }
}
