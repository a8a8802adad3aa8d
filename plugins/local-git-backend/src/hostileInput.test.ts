import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  fuzzEndpoint,
  fuzzRuns,
  HostileBody,
  hostileBody,
  hostileQuery,
  injectionStrings,
} from '@internal/plugin-portal-node/testUtils';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestRepositories } from './__testUtils__/testRepositories';
import { localGitPlugin } from './plugin';

// The local Git host's routes under generated hostile input, through the whole plugin on a real
// data folder with one published repository. The unit run takes a hundred cases per endpoint;
// `./portal bench fuzz` runs 5,000 each.
const RUNS = fuzzRuns(100);
jest.setTimeout(600_000);

/** Every file under the data folder with its content hash: the host must never write. */
async function snapshotFolder(dir: string): Promise<string> {
  const entries: string[] = [];
  const walk = async (current: string) => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else {
        const hash = createHash('sha256')
          .update(await fs.readFile(path))
          .digest('hex');
        entries.push(`${relative(dir, path)} ${hash}`);
      }
    }
  };
  await walk(dir);
  return entries.sort().join('\n');
}

/** Path segments that try to leave the repository or the route. */
const hostileSegment = fc.oneof(
  fc.constantFrom(...injectionStrings).map(String),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '.git',
    'HEAD',
    'objects/info/packs',
    'config',
    'refs/heads/main',
    '~',
    '%00',
    '%ff',
    '%c0%af',
  ),
  fc.string({ maxLength: 20 }),
);

const path = fc
  .oneof(
    fc.constantFrom(
      '',
      'orders-api',
      'Orders-Api',
      'nope-repo',
      'ab',
      `a${'b'.repeat(40)}`,
    ),
  )
  .chain(name =>
    fc
      .tuple(
        fc.constantFrom(
          `/${name}.git/info/refs`,
          `/${name}.git/HEAD`,
          `/${name}.git/`,
          `/${name}`,
          `/${name}/`,
          `/${name}/tree/main/`,
          `/${name}/blob/main/`,
          `/${name}/tree/`,
          `/${name}.git/git-upload-pack`,
          `/${name}.git/git-receive-pack`,
        ),
        fc.array(hostileSegment, { maxLength: 3 }),
      )
      .map(([base, segments]) =>
        [base, ...segments.map(s => (/%/.test(s) ? s : encodeURIComponent(s)))]
          .join('/')
          .replace(/\/+$/, m => (base.endsWith('/') ? '/' : m.slice(1))),
      ),
  );

/** A git protocol request: a flush packet, a want line, or garbage, plain or gzip (maybe broken). */
const uploadPackBody: fc.Arbitrary<
  HostileBody & { gzip: 'none' | 'good' | 'broken' }
> = fc.record({
  contentType: fc.constantFrom(
    'application/x-git-upload-pack-request',
    'application/json',
    'text/plain',
  ),
  body: fc.oneof(
    fc
      .constantFrom(
        '0000',
        '0032want 0000000000000000000000000000000000000000\n0000',
        '0009done\n',
        'ffff',
        '00',
        '0014command=ls-refs\n0000',
      )
      .map(s => Buffer.from(s)),
    hostileBody(fc.jsonValue()).map(b => b.body),
  ),
  gzip: fc.constantFrom('none', 'good', 'broken'),
});

describe('local Git host under hostile input', () => {
  let server: Parameters<typeof request>[0];
  let snapshot: () => Promise<string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const env = await createTestRepositories();
    cleanup = env.cleanup;
    snapshot = () => snapshotFolder(env.dataDir);
    ({ server } = await startTestBackend({
      features: [
        localGitPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            portal: { publishing: { local: { dataDir: env.dataDir } } },
          },
        }),
      ],
    }));
  });

  afterAll(async () => {
    await cleanup();
  });

  const credentials = fc.constantFrom(
    mockCredentials.user.header(),
    mockCredentials.user.invalidHeader(),
    '',
  );

  it('GET on every route never answers 5xx and writes nothing', async () => {
    const counts = await fuzzEndpoint({
      endpoint: 'GET /api/local-git/**',
      input: fc.record({
        path,
        query: hostileQuery({ service: 'git-upload-pack', format: 'json' }),
        accept: fc.constantFrom('text/html', 'application/json', '*/*', ''),
        gitProtocol: fc.constantFrom(
          '',
          'version=2',
          'version=9',
          "version=2:x='; rm -rf /",
        ),
        authorization: credentials,
      }),
      send: async ({ path: p, query, accept, gitProtocol, authorization }) => {
        let req = request(server)
          .get(`/api/local-git${p}?${query}`)
          .timeout(10_000);
        if (accept) req = req.set('Accept', accept);
        if (gitProtocol) req = req.set('Git-Protocol', gitProtocol);
        if (authorization) req = req.set('Authorization', authorization);
        const res = await req;
        return { status: res.status, body: res.body };
      },
      snapshot,
      runs: RUNS,
    });
    expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
  });

  const uploadPack = async (
    { contentType, body, gzip }: HostileBody & { gzip: string },
    name = 'orders-api',
  ) => {
    let req = request(server)
      .post(`/api/local-git/${name}.git/git-upload-pack`)
      .timeout(10_000)
      .set('Content-Type', contentType)
      // Bytes as they are: superagent would JSON-encode a Buffer sent as application/json.
      .serialize(raw => raw);
    let payload = body;
    if (gzip !== 'none') {
      req = req.set('Content-Encoding', 'gzip');
      payload =
        gzip === 'good' ? gzipSync(body) : gzipSync(body).subarray(0, 12);
    }
    const res = await req.send(payload);
    return { status: res.status, body: res.body };
  };

  it('answers a git-upload-pack whose gzip body is cut short instead of hanging', async () => {
    const res = await uploadPack({
      contentType: 'application/x-git-upload-pack-request',
      body: Buffer.from('0014command=ls-refs\n0000'),
      gzip: 'broken',
    });
    expect(res.status).toBeLessThan(500);
  });

  it('answers a git-upload-pack with a 5 MB body that is not the git protocol', async () => {
    const res = await uploadPack({
      contentType: 'application/x-git-upload-pack-request',
      body: Buffer.alloc(5 * 1024 * 1024, '{"a":1}'),
      gzip: 'none',
    });
    expect(res.status).toBeLessThan(500);
  });

  it('POST git-upload-pack never answers 5xx or hangs, and writes nothing', async () => {
    const counts = await fuzzEndpoint({
      endpoint: 'POST /api/local-git/<name>.git/git-upload-pack',
      input: fc.record({
        body: uploadPackBody,
        name: fc.constantFrom('orders-api', 'nope-repo'),
      }),
      send: ({ body, name }) => uploadPack(body, name),
      large: body => uploadPack({ ...body, gzip: 'none' }),
      snapshot,
      runs: RUNS,
    });
    expect(counts.cases).toBeGreaterThanOrEqual(RUNS);
  });

  it('leaves a healthy backend after the hostile input: ready, a valid request accepted, Object.prototype untouched', async () => {
    // A healthy backend after every run: readiness, and a clone's first request still answers.
    expect(
      (await request(server).get('/.backstage/health/v1/readiness')).status,
    ).toBe(200);
    expect(
      (
        await request(server).get(
          '/api/local-git/orders-api.git/info/refs?service=git-upload-pack',
        )
      ).status,
    ).toBe(200);
  });
});
