import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * Hostile request input for the backend plugins' fuzz suites (`src/hostileInput.test.ts` in each
 * plugin): values, bodies and a runner that counts the cases each endpoint took.
 */

/**
 * Keys that reach Object.prototype when a body is merged or assigned naively.
 *
 * @public
 */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Strings that break SQL, HTML, paths, headers and logs when interpolated.
 *
 * @public
 */
export const injectionStrings = [
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(10)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  // A script URL as data, not code: the portal must never render it as a link.
  ['javascript', 'alert(1)'].join(':'),
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'a\r\nSet-Cookie: x=1',
  'line\r\n\r\nHTTP/1.1 200 OK',
  '\u0000',
  '\u202e\u0000\uffff',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '$(reboot)',
  'component:default/../../x',
  'a'.repeat(10_000),
] as const;

/**
 * Numbers and dates outside anything a route should accept.
 *
 * @public
 */
export const absurdValues = [
  -1,
  0,
  -0,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 53,
  '1e308',
  'NaN',
  'Infinity',
  '-1',
  '0x10',
  '',
  '1970-01-01T00:00:00Z',
  '0000-00-00T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:01Z',
  '9999-12-31T23:59:59.999Z',
  '2025-13-45T99:99:99Z',
  '2025-02-30',
  'yesterday',
  true,
  false,
  null,
  [],
  {},
] as const;

/**
 * One hostile JSON value: random JSON, absurd numbers and dates, injections, prototype keys.
 *
 * @public
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(...absurdValues),
  fc.constantFrom<unknown>(...injectionStrings),
  fc.constantFrom(...prototypeKeys).map(key => withOwnKey({}, key, { x: 1 })),
  fc.double(),
  fc.integer(),
  fc.date({ noInvalidDate: false }).map(d => {
    try {
      return d.toISOString();
    } catch {
      return 'Invalid Date';
    }
  }),
);

/**
 * Sets an own enumerable property, even `__proto__`, as JSON.parse does for a body that carries
 * it (plain assignment would change the prototype instead).
 *
 * @public
 */
export function withOwnKey<T extends object>(
  target: T,
  key: string,
  value: unknown,
): T {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return target;
}

/**
 * A valid object with one field (top level or at a dotted path) replaced by a hostile value,
 * removed, or joined by a prototype key: the cases that get furthest into a route.
 *
 * @public
 */
export function mutated(
  valid: object,
  fields: readonly string[],
): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      fc.constantFrom(...fields, ...prototypeKeys),
      fc.oneof(hostileValue, fc.constant(undefined)),
    )
    .map(([field, value]) => {
      const copy = structuredClone(valid) as Record<string, unknown>;
      const path = field.split('.');
      let parent: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) {
        const next = parent[key];
        if (next === null || typeof next !== 'object') return copy;
        parent = next as Record<string, unknown>;
      }
      const last = path[path.length - 1];
      if (value === undefined) {
        delete parent[last];
      } else {
        withOwnKey(parent, last, value);
      }
      return copy;
    });
}

/**
 * Nesting far beyond any real payload (JSON.parse handles it; naive recursion may not).
 *
 * @public
 */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/**
 * Bytes that are not UTF-8 (lone continuation bytes, overlong forms, surrogates).
 *
 * @public
 */
export const invalidUtf8 = fc
  .tuple(
    fc.constantFrom(
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xfe, 0xff],
    ),
    fc.string({ maxLength: 20 }),
  )
  .map(([bytes, text]) =>
    Buffer.concat([
      Buffer.from(`{"a":"${text.replace(/["\\]/g, '')}`),
      Buffer.from(bytes),
      Buffer.from('"}'),
    ]),
  );

/**
 * Content types a client may send instead of (or as a bent form of) application/json.
 *
 * @public
 */
export const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'text/plain',
  'text/csv',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
  'image/png',
  '',
  '*/*',
);

/**
 * A request body of any shape: JSON (valid-based or random), text, or raw bytes.
 *
 * @public
 */
export interface HostileBody {
  contentType: string;
  body: Buffer;
}

/**
 * Bodies around a valid payload: mostly its mutations, then every other kind of hostile body.
 *
 * @public
 */
export function hostileBody(
  valid: fc.Arbitrary<unknown>,
): fc.Arbitrary<HostileBody> {
  return fc.record({
    contentType: fc.oneof(
      { weight: 3, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: contentTypes },
    ),
    body: fc.oneof(
      {
        weight: 6,
        arbitrary: valid.map(v => Buffer.from(JSON.stringify(v) ?? '')),
      },
      {
        weight: 2,
        arbitrary: hostileValue.map(v => Buffer.from(JSON.stringify(v) ?? '')),
      },
      { weight: 1, arbitrary: deeplyNested.map(s => Buffer.from(s)) },
      { weight: 1, arbitrary: invalidUtf8 },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            '',
            '{',
            'null',
            '[]',
            '"text"',
            '\uFEFF{}',
            'a=1&b=2',
            '<xml/>',
            '{"a":1}{"a":2}',
            '{"__proto__":{"polluted":true}}',
            '{"constructor":{"prototype":{"polluted":true}}}',
          )
          .map(s => Buffer.from(s)),
      },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 512 }).map(a => Buffer.from(a)),
      },
    ),
  });
}

/**
 * Query strings: random keys and values, injections, repeated keys (arrays), bracket objects.
 *
 * @public
 */
export function hostileQuery(
  valid: Record<string, string>,
): fc.Arbitrary<string> {
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(...injectionStrings).map(String),
    fc.constantFrom(...absurdValues).map(v => String(v)),
  );
  const keys = Object.keys(valid);
  const pair = fc.tuple(
    fc.oneof(
      fc.constantFrom(...keys, ...prototypeKeys),
      fc.constantFrom(...keys, ...prototypeKeys).map(k => `${k}[x]`),
      fc.constantFrom(...keys, 'x').map(k => `${k}[]`),
      fc.string({ maxLength: 10 }),
    ),
    text,
  );
  return fc
    .record({
      base: fc.subarray(keys),
      extra: fc.array(pair, { maxLength: 4 }),
    })
    .map(({ base, extra }) =>
      [...base.map(k => [k, valid[k]] as const), ...extra]
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&'),
    );
}

const LARGE_BODY_CASES = 3;

/**
 * Bodies of 5 to 50 MB, a few per endpoint: over every route's limit, or a parser's.
 *
 * @public
 */
export function largeBodies(): HostileBody[] {
  const mb = 1024 * 1024;
  return [
    {
      contentType: 'application/json',
      body: Buffer.from(`{"events":[${'{"a":1},'.repeat((5 * mb) / 8)}{}]}`),
    },
    {
      contentType: 'text/csv',
      body: Buffer.alloc(20 * mb, 'id,opened,closed\n'),
    },
    {
      contentType: 'application/octet-stream',
      body: Buffer.alloc(50 * mb, 0xff),
    },
  ];
}

/**
 * Cases per endpoint: `PORTAL_FUZZ_RUNS` (the bench runs 5,000), else the unit-test default.
 *
 * @public
 */
export function fuzzRuns(unitTestDefault: number): number {
  const fromEnv = Number(process.env.PORTAL_FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : unitTestDefault;
}

/**
 * What a request answered, as far as the properties care.
 *
 * @public
 */
export interface FuzzResponse {
  status: number;
  body: unknown;
}

/**
 * Counts of one endpoint's run, by outcome.
 *
 * @public
 */
export interface FuzzCounts {
  endpoint: string;
  cases: number;
  accepted: number;
  rejected: number;
  milliseconds: number;
}

/**
 * Runs `runs` generated requests (and the large bodies) against one endpoint and asserts the
 * properties every route owes hostile input: never 5xx, and a rejected request (4xx) leaves the
 * store exactly as it was. `snapshot` dumps the plugin's store (its tables, the cluster objects).
 * The counts go to the file in `PORTAL_FUZZ_REPORT` when set (the bench prints them).
 *
 * @public
 */
export async function fuzzEndpoint<T>(options: {
  endpoint: string;
  input: fc.Arbitrary<T>;
  send: (input: T) => Promise<FuzzResponse>;
  snapshot: () => Promise<string>;
  runs: number;
  large?: (body: HostileBody) => Promise<FuzzResponse>;
}): Promise<FuzzCounts> {
  const { endpoint, input, send, snapshot, runs, large } = options;
  const started = Date.now();
  let accepted = 0;
  let rejected = 0;
  const check = async (run: () => Promise<FuzzResponse>, what: unknown) => {
    const before = await snapshot();
    const res = await run();
    if (res.status >= 500) {
      throw new Error(
        `${endpoint} answered ${res.status} ${JSON.stringify(
          res.body,
        )} to ${describe(what)}`,
      );
    }
    if (res.status >= 400) {
      rejected++;
      const after = await snapshot();
      if (after !== before) {
        throw new Error(
          `${endpoint} answered ${
            res.status
          } but changed the store, for ${describe(what)}`,
        );
      }
    } else {
      accepted++;
    }
  };
  if (large) {
    for (const body of largeBodies()) {
      await check(() => large(body), `${body.body.length} bytes`);
    }
  }
  await fc.assert(
    fc.asyncProperty(input, async value => {
      await check(() => send(value), value);
    }),
    { numRuns: runs },
  );
  const counts: FuzzCounts = {
    endpoint,
    cases: runs + (large ? LARGE_BODY_CASES : 0),
    accepted,
    rejected,
    milliseconds: Date.now() - started,
  };
  if (process.env.PORTAL_FUZZ_REPORT) {
    appendFileSync(
      process.env.PORTAL_FUZZ_REPORT,
      `${JSON.stringify(counts)}\n`,
    );
  }
  return counts;
}

function describe(input: unknown): string {
  const text =
    typeof input === 'object' &&
    input &&
    'body' in input &&
    Buffer.isBuffer(input.body)
      ? `${(input as HostileBody).contentType} ${input.body.toString(
          'utf8',
          0,
          300,
        )}`
      : JSON.stringify(input);
  return (text ?? String(input)).slice(0, 500);
}

/**
 * The part of a Knex client the snapshot needs (SQLite, as the fuzz suites run).
 *
 * @public
 */
export interface SqliteClient {
  raw(sql: string, bindings: readonly string[]): PromiseLike<unknown>;
}

/**
 * Every row of every SQLite table whose name starts with `prefix`, in a stable order.
 *
 * @public
 */
export async function snapshotSqliteTables(
  knex: SqliteClient,
  prefix: string,
): Promise<string> {
  const tables = (await knex.raw(
    "select name from sqlite_master where type = 'table' and name like ? order by name",
    [`${prefix}%`],
  )) as Array<{ name: string }>;
  const dump: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = (await knex.raw(`select * from "${name}"`, [])) as unknown[];
    dump[name] = rows.map(row => JSON.stringify(row)).sort();
  }
  return JSON.stringify(dump);
}
