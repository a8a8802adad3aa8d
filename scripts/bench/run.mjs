#!/usr/bin/env node
// `./portal bench [suite]`: runs one benchmark suite, or every one, printing its figures.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('../..', import.meta.url).pathname;
const suites = {
  foundation: 'scripts/bench/foundation.mjs',
  dora: 'plugins/dora-backend/bench/run.mjs',
  crossplane: 'packages/local-control-plane/bench/run.mjs',
};
const wanted = process.argv[2];
if (wanted && !suites[wanted]) {
  console.error(`unknown suite '${wanted}'; one of: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const [name, script] of Object.entries(suites)) {
  if (wanted && name !== wanted) continue;
  if (!existsSync(`${root}/${script}`)) {
    console.log(`## ${name}: no benchmark script yet (${script})`);
    continue;
  }
  console.log(`## ${name} (${new Date().toISOString().slice(0, 10)})`);
  const result = spawnSync('node', [script, ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
