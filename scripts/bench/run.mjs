#!/usr/bin/env node
// `./portal bench [suite]`: runs one benchmark suite, or every one, printing its figures.
// Each suite prints its figures; copy them into docs/benchmarks.md with the date.
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;
const suites = {
  foundation: ['node', 'scripts/bench/foundation.mjs'],
  // The portal against a stock create-app app of the same release, side by side in one run.
  stock: ['node', 'scripts/bench/stock.mjs'],
  // Both databases: SQLite always, PostgreSQL through the throw-away embedded server.
  dora: [
    'node',
    'scripts/with-test-postgres.mjs',
    'yarn',
    'workspace',
    '@internal/plugin-dora-backend',
    'bench',
  ],
  // Bulk backfill of a year of a mid-size organisation's history (NDJSON); both databases.
  'dora-backfill': [
    'node',
    'scripts/with-test-postgres.mjs',
    'yarn',
    'workspace',
    '@internal/plugin-dora-backend',
    'bench:backfill',
  ],
  // Adoption API at 10,000 components, 100,000 runs, 1,000,000 analytics events; both databases.
  adoption: [
    'node',
    'scripts/with-test-postgres.mjs',
    'yarn',
    'workspace',
    '@internal/plugin-adoption-backend',
    'bench',
  ],
  // The control plane alone, then form submit to Ready through the running portal (starts it if needed).
  crossplane: ['node', 'scripts/bench/crossplane.mjs'],
  // Form submit to the new component in the catalog, and dry runs, through the running portal
  // (starts it if needed).
  'golden-paths': ['node', 'scripts/bench/golden-paths.mjs'],
  // Hostile-input fuzz suite: 5,000 generated cases per endpoint of every backend plugin.
  fuzz: ['node', 'scripts/bench/fuzz.mjs'],
};
const wanted = process.argv[2];
if (wanted && !suites[wanted]) {
  console.error(
    `unknown suite '${wanted}'; one of: ${Object.keys(suites).join(', ')}`,
  );
  process.exit(2);
}
let failed = false;
for (const [name, [command, ...args]] of Object.entries(suites)) {
  if (wanted && name !== wanted) continue;
  console.log(`## ${name} (${new Date().toISOString().slice(0, 10)})`);
  const result = spawnSync(command, [...args, ...process.argv.slice(3)], {
    cwd: root,
    stdio: 'inherit',
  });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
