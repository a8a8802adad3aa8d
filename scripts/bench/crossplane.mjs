#!/usr/bin/env node
// `./portal bench crossplane`: the local control plane on its own (XR round trips, time to Ready),
// then the whole portal (form submit to Ready through the scaffolder, scripts/bench/crossplane-portal.mjs).
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;
let failed = false;
for (const [title, command, args] of [
  [
    'local control plane',
    'yarn',
    ['workspace', '@internal/local-control-plane', 'bench'],
  ],
  ['through the portal', 'node', ['scripts/bench/crossplane-portal.mjs']],
]) {
  console.log(`### ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
