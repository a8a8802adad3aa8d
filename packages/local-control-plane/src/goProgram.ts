import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Debian packages the project's Go programs build with (`./portal start` and `./portal test`
 * install them): Go itself, sprig and the YAML libraries, used in GOPATH mode since Debian's Go
 * library packages live under /usr/share/gocode (no module downloads on this machine).
 */
export const GO_DEBIAN_PACKAGES =
  'golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev';

const goEnv = () => ({
  ...process.env,
  GO111MODULE: 'off',
  GOPATH: '/usr/share/gocode',
  GOFLAGS: '',
});

function newestSourceMtime(sourceDir: string): number {
  return Math.max(
    ...readdirSync(sourceDir)
      .filter(f => f.endsWith('.go'))
      .map(f => statSync(join(sourceDir, f)).mtimeMs),
  );
}

/**
 * Builds the Go program in `sourceDir` to `binary` when the binary is missing or older than its
 * sources, and returns the binary's path. `name` is how errors refer to the program.
 *
 * @public
 */
export function ensureGoProgram(options: {
  sourceDir: string;
  binary: string;
  name: string;
}): string {
  const { sourceDir, binary, name } = options;
  if (
    existsSync(binary) &&
    statSync(binary).mtimeMs >= newestSourceMtime(sourceDir)
  ) {
    return binary;
  }
  mkdirSync(dirname(binary), { recursive: true });
  try {
    execFileSync('go', ['build', '-o', binary, '.'], {
      cwd: sourceDir,
      env: goEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `cannot build ${name}: ${
        stderr || (error as Error).message
      }. Install Debian's ${GO_DEBIAN_PACKAGES} (./portal start does).`,
    );
  }
  return binary;
}
