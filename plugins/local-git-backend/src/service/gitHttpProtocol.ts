import { spawn } from 'node:child_process';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

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
 * A reader of `input` that a failing pipeline may destroy without destroying `input` itself, so
 * the caller can still answer (a request destroyed here would take its response with it). The
 * input's own failures (a client gone before the end of the body) still end the reader.
 */
function detachedReader(input: Readable): Readable {
  const reader = new PassThrough();
  input.pipe(reader);
  input.on('error', error => reader.destroy(error));
  input.on('close', () => {
    if (!input.readableEnded) {
      reader.destroy(
        new Error('The request body ended before it was complete'),
      );
    }
  });
  reader.on('close', () => input.unpipe(reader));
  return reader;
}

/**
 * Runs `git upload-pack --stateless-rpc` (the smart HTTP protocol's server side), reading the
 * request from `input` (omitted for the ref advertisement; gunzipped when `gzip`) and writing to
 * `output`.
 *
 * Every stream is joined with `pipeline`, so an upload that does not end cleanly (a body that is
 * not gzip, a client that disconnects, an output that closes) rejects instead of leaving git
 * waiting for input that never comes; git is then killed, and the promise settles only once
 * every stream and the process are done.
 */
export async function uploadPack(options: {
  gitDir: string;
  advertiseRefs: boolean;
  gitProtocol?: string;
  input?: Readable;
  gzip?: boolean;
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
  let feeding: Promise<void>;
  if (!options.input) {
    child.stdin.end();
    feeding = Promise.resolve();
  } else {
    const source = detachedReader(options.input);
    feeding = options.gzip
      ? pipeline(source, createGunzip(), child.stdin)
      : pipeline(source, child.stdin);
  }
  const sending = pipeline(child.stdout, options.output, { end: false });
  let feedError: unknown;
  feeding.catch(error => {
    feedError = error;
  });
  const all = [feeding, sending, exited];
  try {
    await Promise.all(all);
  } catch (error) {
    // git refuses a request it cannot serve (a `want` it does not have, a body that is not the
    // protocol) by writing its answer, closing its stdin and exiting on its own; the body may still
    // be arriving, so the feed fails on git's closed stdin, maybe before git's exit is seen here.
    // That is git's answer, as from git-http-backend: wait for it. Any other failure (the body,
    // the client) is on our side: git is killed so it does not wait for input that never comes.
    const gitStoppedReading =
      feedError !== undefined && isClosedByGit(feedError);
    const killedHere =
      !gitStoppedReading &&
      child.exitCode === null &&
      child.signalCode === null;
    if (killedHere) child.kill('SIGKILL');
    const [fed, sent] = await Promise.allSettled(all);
    const gitRefused =
      !killedHere &&
      sent.status === 'fulfilled' &&
      (fed.status === 'fulfilled' || isClosedByGit(fed.reason));
    if (!gitRefused) throw error;
  }
}

/** A write to git's stdin after git closed it: EPIPE, or a pipeline closed before its end. */
function isClosedByGit(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
