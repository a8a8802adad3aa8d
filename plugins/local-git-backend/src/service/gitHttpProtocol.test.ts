import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestRepositories } from '../__testUtils__/testRepositories';
import { pktLine, uploadPack } from './gitHttpProtocol';

jest.setTimeout(60_000);

/** A request for an object the repository does not have, then more lines git never reads. */
const unknownWant = Buffer.concat([
  Buffer.from(`${pktLine(`want ${'0'.repeat(40)}\n`)}0000`),
  Buffer.from(pktLine('done\n').repeat(5000)),
]);

/** Sends the first bytes, then the rest once git has had time to refuse and exit. */
function arrivingLate(body: Buffer): Readable {
  return Readable.from(
    (async function* chunks() {
      yield body.subarray(0, 30);
      await sleep(300);
      yield body.subarray(30);
    })(),
  );
}

function collect() {
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { output, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('uploadPack', () => {
  let gitDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const env = await createTestRepositories();
    gitDir = join(env.dataDir, 'orders-api.git');
    cleanup = env.cleanup;
  });

  afterAll(async () => {
    await cleanup();
  });

  it.each([
    ['plain', false],
    ['gzip', true],
  ])(
    "answers with git's own refusal when git stops reading a %s body that is still arriving",
    async (_name, gzip) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const { output, text } = collect();
        await expect(
          uploadPack({
            gitDir,
            advertiseRefs: false,
            input: arrivingLate(gzip ? gzipSync(unknownWant) : unknownWant),
            gzip,
            output,
          }),
        ).resolves.toBeUndefined();
        expect(text()).toContain('not our ref');
      }
    },
  );

  it('fails when a gzip body is not gzip (the caller answers 400)', async () => {
    const { output } = collect();
    await expect(
      uploadPack({
        gitDir,
        advertiseRefs: false,
        input: Readable.from([Buffer.from('not gzip at all')]),
        gzip: true,
        output,
      }),
    ).rejects.toThrow();
  });
});
