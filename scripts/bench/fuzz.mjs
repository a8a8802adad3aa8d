#!/usr/bin/env node
// Hostile-input fuzz suite at full size (issue 15): every backend plugin's `src/hostileInput.test.ts`
// (and the scaffolder actions' in packages/golden-path-templates) with 5,000 generated cases per
// endpoint or action (PORTAL_FUZZ_RUNS, or the first argument), one package
// after the other, then a Markdown table of the cases per endpoint, with the date and machine load.
// Run with `./portal bench fuzz [cases]`; copy the table into docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? process.env.PORTAL_FUZZ_RUNS ?? 5000);
const packages = [
  'plugins/dora-backend',
  'plugins/adoption-backend',
  'plugins/crossplane-backend',
  'plugins/local-git-backend',
  // The project's scaffolder actions, wired by their modules and run as the task runner runs them.
  'packages/golden-path-templates',
];
const report = join(
  mkdtempSync(join(tmpdir(), 'portal-fuzz-')),
  'counts.jsonl',
);
const loadBefore = loadavg()[0];
const started = Date.now();
let failed = false;
for (const pkg of packages) {
  if (!existsSync(join(root, pkg, 'src/hostileInput.test.ts'))) continue;
  const result = spawnSync(
    join(root, 'portal'),
    [
      'yarn',
      'backstage-cli',
      'package',
      'test',
      '--runInBand',
      // The pattern names the package: jest matches it against every project of the repo.
      `${pkg}/src/hostileInput.test.ts`,
    ],
    {
      cwd: join(root, pkg),
      stdio: 'inherit',
      env: {
        ...process.env,
        CI: 'true',
        PORTAL_FUZZ_RUNS: String(runs),
        PORTAL_FUZZ_REPORT: report,
      },
    },
  );
  failed ||= result.status !== 0;
}
const counts = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line))
  : [];
console.log(
  `\n${new Date().toISOString()}, ${
    cpus().length
  } cores, load average ${loadBefore.toFixed(
    2,
  )} before / ${loadavg()[0].toFixed(2)} after, ${Math.round(
    (Date.now() - started) / 1000,
  )} s in all\n`,
);
console.log(
  '| Endpoint | Cases | Accepted (2xx/3xx) | Rejected (4xx) | 5xx | Time |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const c of counts) {
  console.log(
    `| ${c.endpoint} | ${c.cases} | ${c.accepted} | ${c.rejected} | 0 | ${(
      c.milliseconds / 1000
    ).toFixed(1)} s |`,
  );
}
process.exit(failed ? 1 : 0);
