#!/usr/bin/env node
// The portal against a stock `@backstage/create-app` app of the same Backstage release, measured side
// by side in one run by the same code (measureApp.mjs) on the same machine:
// - start command to ready (`./portal start` vs the stock app's `yarn start`), target <= 1.2x stock;
// - backend resident memory after start and a fixed settle time, target <= 1.2x stock;
// - production initial JavaScript (what the browser downloads to show the first page of the
//   production build), target <= 1.15x stock.
// The stock app is created once into the git-ignored .data/bench/stock-app and reused. It is
// installed with the portal's own Yarn and registry settings, seeded with the portal's yarn.lock so
// both apps run the same versions of the packages they share.
// Run with `./portal bench stock`; copy the table into docs/benchmarks.md with the date and load.
// `./portal bench stock start [rounds]` measures only start and memory (no production builds),
// alternating the two apps for the given number of rounds (default 1), since start times move
// with the machine's load.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  buildFrontend,
  measureInitialJs,
  measureStart,
  withPortsLock,
} from './measureApp.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const benchDir = join(root, '.data/bench');
const stockDir = join(benchDir, 'stock-app');
const logDir = join(benchDir, 'logs');

// The create-app release that scaffolds each Backstage release: its dist/package.json.cjs.js
// carries the release it belongs to. Add a line when bumping backstage.json.
const CREATE_APP_FOR_RELEASE = {
  '1.55.0': '0.9.2',
};

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));

function ensureStockApp() {
  const release = readJson(join(root, 'backstage.json')).version;
  const createApp = CREATE_APP_FOR_RELEASE[release];
  if (!createApp) {
    throw new Error(
      `no create-app version known for Backstage ${release}: add it to CREATE_APP_FOR_RELEASE in scripts/bench/stock.mjs`,
    );
  }
  if (
    existsSync(join(stockDir, 'backstage.json')) &&
    readJson(join(stockDir, 'backstage.json')).version !== release
  ) {
    console.error(`stock app is not Backstage ${release}: creating it again`);
    rmSync(stockDir, { recursive: true, force: true });
  }
  if (!existsSync(join(stockDir, 'package.json'))) {
    console.error(
      `creating a stock app with @backstage/create-app@${createApp}`,
    );
    mkdirSync(benchDir, { recursive: true });
    execFileSync(
      'npx',
      ['--yes', `@backstage/create-app@${createApp}`, '--skip-install'],
      {
        cwd: benchDir,
        env: { ...process.env, BACKSTAGE_APP_NAME: 'stock-app' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    // The registry here lacks some platform packages of the newest releases: the portal's
    // resolutions map them, and its lockfile pins the versions both apps share.
    const portal = readJson(join(root, 'package.json'));
    const stock = readJson(join(stockDir, 'package.json'));
    stock.resolutions = { ...portal.resolutions, ...stock.resolutions };
    writeFileSync(
      join(stockDir, 'package.json'),
      `${JSON.stringify(stock, null, 2)}\n`,
    );
    copyFileSync(join(root, 'yarn.lock'), join(stockDir, 'yarn.lock'));
    copyFileSync(join(root, '.yarnrc.yml'), join(stockDir, '.yarnrc.yml'));
    rmSync(join(stockDir, '.yarn/releases'), { recursive: true, force: true });
  }
  const stamp = join(stockDir, 'node_modules/.bench-install-stamp');
  if (!existsSync(stamp)) {
    console.error('installing the stock app (yarn install)');
    execFileSync('yarn', ['install'], {
      cwd: stockDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    writeFileSync(stamp, `${createApp}\n`);
  }
  return { release, createApp };
}

const apps = {
  portal: {
    dir: root,
    start: ['./portal', 'start'],
    // A first start on empty local state, as the stock app's in-memory SQLite always is.
    prepare: () => {
      const dataDir = join(benchDir, 'portal-data');
      rmSync(dataDir, { recursive: true, force: true });
      return { PORTAL_DATA_DIR: dataDir };
    },
  },
  stock: { dir: stockDir, start: ['yarn', 'start'], prepare: () => ({}) },
};

const startOnly = process.argv[2] === 'start';
const rounds = startOnly ? Number(process.argv[3] ?? 1) : 1;
if (!(Number.isInteger(rounds) && rounds >= 1)) {
  console.error('usage: ./portal bench stock [start [rounds]]');
  process.exit(2);
}

const versions = ensureStockApp();
mkdirSync(logDir, { recursive: true });
const log = name => openSync(join(logDir, `${name}.log`), 'w');
const load = [];
const results = { portal: {}, stock: {} };
const startRows = [];

await withPortsLock(async () => {
  for (let round = 1; round <= rounds; round++) {
    const row = { round, load: loadavg()[0] };
    for (const [name, app] of Object.entries(apps)) {
      load.push(loadavg()[0]);
      console.error(`${name}: starting (${app.start.join(' ')})`);
      row[name] = await measureStart(app.dir, app.start, {
        env: { BROWSER: 'none', ...app.prepare() },
        log: log(`${name}-start`),
      });
      results[name].start = row[name];
    }
    startRows.push(row);
  }
});

if (startOnly) {
  load.push(loadavg()[0]);
  console.log(
    `Backstage ${versions.release} (stock: @backstage/create-app@${versions.createApp})\n`,
  );
  console.log(
    '| round | 1-min load at start | portal start | stock start | ratio | portal RSS | stock RSS | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  let missed = false;
  for (const { round, load: roundLoad, portal, stock } of startRows) {
    const startRatio = portal.seconds / stock.seconds;
    const rssRatio = portal.rssMiB / stock.rssMiB;
    missed ||= !(startRatio <= 1.2 && rssRatio <= 1.2);
    console.log(
      `| ${round} | ${roundLoad.toFixed(1)} | ${portal.seconds.toFixed(
        1,
      )} s | ${stock.seconds.toFixed(1)} s | ${startRatio.toFixed(
        2,
      )} | ${portal.rssMiB.toFixed(1)} MiB | ${stock.rssMiB.toFixed(
        1,
      )} MiB | ${rssRatio.toFixed(2)} |`,
    );
  }
  console.log(
    `\ntargets: both ratios <= 1.2; 1-minute load average during the run ${Math.min(
      ...load,
    ).toFixed(1)}-${Math.max(...load).toFixed(1)}`,
  );
  process.exit(missed ? 1 : 0);
}
for (const [name, app] of Object.entries(apps)) {
  load.push(loadavg()[0]);
  console.error(`${name}: building the production frontend`);
  results[name].build = buildFrontend(app.dir, { log: log(`${name}-build`) });
}
await withPortsLock(async () => {
  for (const [name, app] of Object.entries(apps)) {
    console.error(`${name}: loading the first page of the production build`);
    results[name].js = await measureInitialJs(app.dir);
  }
});
load.push(loadavg()[0]);

const kib = bytes => bytes / 1024;
const rows = [
  [
    'start command to ready (frontend 200 + backend readiness), s',
    r => r.start.seconds,
    1.2,
  ],
  ['backend RSS after ready + 20 s settle, MiB', r => r.start.rssMiB, 1.2],
  [
    'production initial JS, transferred (gzip), KiB',
    r => kib(r.js.transferBytes),
    1.15,
  ],
  ['production initial JS, decoded, KiB', r => kib(r.js.decodedBytes), 1.15],
];
console.log(
  `Backstage ${versions.release} (stock: @backstage/create-app@${
    versions.createApp
  }); 1-minute load average during the run: ${Math.min(...load).toFixed(
    1,
  )}-${Math.max(...load).toFixed(1)}\n`,
);
console.log('| figure | portal | stock | ratio | target |');
console.log('|---|---|---|---|---|');
let missed = false;
for (const [label, pick, target] of rows) {
  const portal = pick(results.portal);
  const stock = pick(results.stock);
  const ratio = portal / stock;
  missed ||= !(ratio <= target);
  console.log(
    `| ${label} | ${portal.toFixed(1)} | ${stock.toFixed(1)} | ${ratio.toFixed(
      2,
    )} | <= ${target} ${ratio <= target ? 'met' : 'missed'} |`,
  );
}
for (const name of Object.keys(apps)) {
  const { files } = results[name].js;
  console.log(
    `\n${name}: ${files.length} scripts on the first page; largest (decoded KiB, file):`,
  );
  for (const file of files.slice(0, 8)) {
    console.log(
      `- ${kib(file.decodedBytes).toFixed(0)} ${new URL(file.url).pathname}`,
    );
  }
}
process.exit(missed ? 1 : 0);
