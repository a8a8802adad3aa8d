#!/usr/bin/env node
// Regenerates the root package.json `resolutions` that work around versions missing from the npm
// registry mirror this project installs from (README, "Maintenance"). Run it after bumping Backstage:
//
//   ./portal yarn node scripts/registry-gaps.mjs            # from scratch
//   ./portal yarn node scripts/registry-gaps.mjs --resume   # keep the entries found so far
//
// Generated entries are the ones keyed `name@npm:version`; hand-written resolutions use other forms.
// The script runs the resolution step of `yarn install` repeatedly. Yarn stops at the first
// "YN0082 name@npm:version: No candidates found", so each one found is mapped to the closest
// published version, together with its siblings (the other platform binaries that the same parent
// package lists as optional dependencies), until resolution succeeds.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageJsonPath = join(root, 'package.json');

/** Packages published broken, with the fix that makes them install; kept on every run. */
const STATIC_FIXES = {
  // @yarnpkg/core 4.9.x declares `got` through a patch: protocol pointing into its own repository.
  '@yarnpkg/core/got': 'npm:^11.8.6',
};
const GENERATED_KEY = /^(@[^/]+\/)?[^@]+@npm:\d/;
const MAX_ROUNDS = 100;

function parseVersion(version) {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-(.+))?$/.exec(version);
  return match
    ? { major: +match[1], minor: +match[2], patch: +match[3], pre: match[4] }
    : undefined;
}

function compareVersions(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Closest published stable version: the newest not above the wanted one, else the oldest above. */
export function closestAvailableVersion(wanted, available) {
  const target = parseVersion(wanted);
  const stable = available
    .map(raw => ({ raw, parsed: parseVersion(raw) }))
    .filter(v => v.parsed && !v.parsed.pre)
    .sort((a, b) => compareVersions(a.parsed, b.parsed));
  if (!target || stable.length === 0) return undefined;
  const notAbove = stable.filter(v => compareVersions(v.parsed, target) <= 0);
  return (notAbove.length > 0 ? notAbove[notAbove.length - 1] : stable[0]).raw;
}

const versionsCache = new Map();
function publishedVersions(name) {
  if (!versionsCache.has(name)) {
    let versions = [];
    try {
      const out = execFileSync('npm', ['view', name, 'versions', '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const parsed = JSON.parse(out);
      versions = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      // not published at all
    }
    versionsCache.set(name, versions);
  }
  return versionsCache.get(name);
}

function listJsonFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listJsonFiles(path));
    else if (entry.name.endsWith('.json')) files.push(path);
  }
  return files;
}

/**
 * Other optional dependencies declared next to `name@version` by the same parent release, read from
 * the package metadata Yarn has already cached during resolution.
 */
function siblingsOf(name, version) {
  const metadataDir = join(homedir(), '.yarn', 'berry', 'metadata');
  let files = [];
  try {
    if (statSync(metadataDir).isDirectory()) files = listJsonFiles(metadataDir);
  } catch {
    return [];
  }
  const siblings = new Map();
  for (const file of files) {
    let metadata;
    try {
      metadata = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    const releases = (metadata.metadata ?? metadata).versions ?? {};
    for (const release of Object.values(releases)) {
      const optional = release?.optionalDependencies ?? {};
      if (optional[name] !== version) continue;
      for (const [sibling, spec] of Object.entries(optional)) {
        if (parseVersion(spec)) siblings.set(sibling, spec);
      }
    }
  }
  return [...siblings];
}

function main() {
  const resume = process.argv.includes('--resume');
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const resolutions = { ...(pkg.resolutions ?? {}) };
  if (!resume) {
    for (const key of Object.keys(resolutions)) {
      if (GENERATED_KEY.test(key)) delete resolutions[key];
    }
  }
  Object.assign(resolutions, STATIC_FIXES);
  const save = () => {
    pkg.resolutions = Object.fromEntries(
      Object.entries(resolutions).sort(([a], [b]) => a.localeCompare(b)),
    );
    writeFileSync(packageJsonPath, `${JSON.stringify(pkg, null, 2)}\n`);
  };
  save();

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = spawnSync('yarn', ['install', '--mode=update-lockfile'], {
      cwd: root,
      encoding: 'utf8',
    });
    const output = `${result.stdout}\n${result.stderr}`;
    const missing = [
      ...output.matchAll(/YN0082: \S+ (\S+)@npm:(\S+): No candidates found/g),
    ];
    if (missing.length === 0) {
      if (result.status !== 0) {
        process.stderr.write(output);
        throw new Error(
          'yarn install failed for a reason other than a missing version',
        );
      }
      break;
    }
    for (const [, name, version] of missing) {
      const candidates = [[name, version], ...siblingsOf(name, version)];
      for (const [candidate, wanted] of candidates) {
        const available = publishedVersions(candidate);
        if (available.includes(wanted)) continue;
        const replacement = closestAvailableVersion(wanted, available);
        if (!replacement) {
          throw new Error(
            `no published version of ${candidate} can replace ${wanted}`,
          );
        }
        console.log(
          `registry gap: ${candidate}@npm:${wanted} -> npm:${replacement}`,
        );
        resolutions[`${candidate}@npm:${wanted}`] = `npm:${replacement}`;
      }
    }
    save();
  }
  const count = Object.keys(resolutions).filter(k =>
    GENERATED_KEY.test(k),
  ).length;
  console.log(`${count} registry gaps mapped in package.json resolutions`);
}

main();
