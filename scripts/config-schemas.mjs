#!/usr/bin/env node
// The workspace packages' configuration schemas, compiled from each package's config.d.ts (the
// typed source) into the config.schema.json its package.json points at, as Backstage's prepack
// does for every published package. A package that points at its config.d.ts instead makes the
// backend and the frontend's dev server compile it with the TypeScript compiler at every start:
// for this workspace's ten that measured 6.3 s and 213 MiB of resident memory (2026-12-05,
// docs/benchmarks.md), most of the difference to a stock app's start.
//
// `node scripts/config-schemas.mjs` writes them; `--check` fails when one differs from its
// config.d.ts (run by `./portal test`).
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const requireFromRoot = createRequire(join(root, 'package.json'));
const { loadConfigSchema } = requireFromRoot('@backstage/config-loader');
const prettier = requireFromRoot('prettier');
const SOURCE = 'config.d.ts';
const GENERATED = 'config.schema.json';
// The loader reads a package's schema location from a package.json-shaped file; this one, next to
// the package's own, points at the TypeScript source while the schema is compiled.
const SOURCE_MANIFEST = '.config-schema-source.json';

const check = process.argv.includes('--check');
const packages = ['packages', 'plugins']
  .flatMap(group =>
    readdirSync(join(root, group)).map(name => join(root, group, name)),
  )
  .filter(dir => existsSync(join(dir, SOURCE)))
  .map(dir => ({
    dir,
    manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
  }));

const misplaced = packages.filter(p => p.manifest.configSchema !== GENERATED);
for (const { dir, manifest } of misplaced) {
  console.error(
    `${dir}/package.json: configSchema is ${JSON.stringify(
      manifest.configSchema,
    )}, not "${GENERATED}" (compiled from ${SOURCE} by scripts/config-schemas.mjs)`,
  );
}

const sources = packages.map(({ dir, manifest }) => {
  const path = join(dir, SOURCE_MANIFEST);
  writeFileSync(
    path,
    JSON.stringify({
      name: manifest.name,
      version: manifest.version,
      configSchema: SOURCE,
    }),
  );
  return path;
});
let compiled;
try {
  compiled = (
    await loadConfigSchema({
      dependencies: [],
      packagePaths: sources,
      excludePackageDependencies: true,
    })
  ).serialize().schemas;
} finally {
  sources.forEach(path => rmSync(path, { force: true }));
}

let outdated = misplaced.length;
for (const { dir, manifest } of packages) {
  const schema = compiled.find(s => s.packageName === manifest.name)?.value;
  if (!schema) {
    throw new Error(`no schema compiled from ${dir}/${SOURCE}`);
  }
  const target = join(dir, GENERATED);
  const current = existsSync(target)
    ? JSON.parse(readFileSync(target, 'utf8'))
    : undefined;
  if (isDeepStrictEqual(current, schema)) continue;
  if (check) {
    console.error(`${target} differs from ${SOURCE}`);
    outdated += 1;
  } else {
    // Laid out as the repository's prettier check wants it (JSON.stringify's layout is not).
    const options = (await prettier.resolveConfig(target)) ?? {};
    writeFileSync(
      target,
      await prettier.format(JSON.stringify(schema), {
        ...options,
        filepath: target,
      }),
    );
    console.log(`wrote ${target}`);
  }
}
if (check && outdated > 0) {
  console.error(
    'portal: regenerate with `node scripts/config-schemas.mjs` and commit the config.schema.json files',
  );
  process.exit(1);
}
