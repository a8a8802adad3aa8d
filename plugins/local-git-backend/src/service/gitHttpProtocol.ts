import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Paths of a bare repository that git's dumb HTTP protocol reads. */
const DUMB_PROTOCOL_PATHS = [
  /^HEAD$/,
  /^info\/refs$/,
  /^objects\/info\/packs$/,
  /^objects\/[0-9a-f]{2}\/[0-9a-f]{38}$/,
  /^objects\/pack\/pack-[0-9a-f]{40,64}\.(pack|idx)$/,
];

/** Whether `path` (relative to the bare repository) is one the dumb protocol may fetch. */
export function isDumbProtocolPath(path: string): boolean {
  return DUMB_PROTOCOL_PATHS.some(pattern => pattern.test(path));
}

/** One pkt-line: four hex digits of length (including themselves) then the payload. */
export function pktLine(payload: string): string {
  return `${(payload.length + 4).toString(16).padStart(4, '0')}${payload}`;
}

/** Smart protocol version 2 is passed through when the client asks for it. */
function protocolEnvironment(gitProtocol: string | undefined) {
  return gitProtocol && /^[a-z0-9=:.-]+$/i.test(gitProtocol)
    ? { GIT_PROTOCOL: gitProtocol }
    : {};
}

/**
 * Runs `git upload-pack --stateless-rpc` (the smart HTTP protocol's server side), reading the
 * request from `input` (omitted for the ref advertisement) and writing to `output`.
 */
export async function uploadPack(options: {
  gitDir: string;
  advertiseRefs: boolean;
  gitProtocol?: string;
  input?: Readable;
  output: Writable;
}): Promise<void> {
  const args = ['upload-pack', '--stateless-rpc'];
  if (options.advertiseRefs) args.push('--advertise-refs');
  args.push(options.gitDir);
  const child = spawn('git', args, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      ...protocolEnvironment(options.gitProtocol),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`git upload-pack exited with ${code}`)),
    );
  });
  // git exits on a request that is not the protocol, so writing the rest of the body fails
  // (EPIPE): its exit code already reports that. A request body that fails to arrive (a broken
  // gzip stream, an aborted upload) must end git, which would otherwise wait for stdin forever.
  child.stdin.on('error', () => {});
  if (options.input) {
    options.input.on('error', () => child.kill());
    options.input.pipe(child.stdin);
  } else {
    child.stdin.end();
  }
  await Promise.all([
    pipeline(child.stdout, options.output, { end: false }),
    exited,
  ]);
}
