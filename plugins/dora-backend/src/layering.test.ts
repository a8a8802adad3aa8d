import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/*
 * The plugin's layers (issue 13): domain/ is pure, database/ holds the stores and typed rows,
 * derivation/ plans and derives facts over them, services/ orchestrates and owns the transaction.
 * A layer imports only the ones below it, so a store can be read without the derivation and the
 * derivation without the services; and no source file grows past what one can read in a sitting.
 */

const SRC = __dirname;
const MAX_LINES = 600;

/** The folders a layer may not import from. */
const FORBIDDEN: Record<string, string[]> = {
  domain: ['database', 'derivation', 'services'],
  database: ['derivation', 'services'],
  derivation: ['services'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const isTest = (path: string) =>
  /\.test\.tsx?$/.test(path) || path.split(sep).includes('__testUtils__');

/** The top folder under src of a path (`''` for a file directly in src). */
function layerOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0] : '';
}

/** The files under src a source file imports (relative specifiers, resolved). */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']*)'/g),
  ].map(m => m[1]);
  return specifiers.map(s => resolve(dirname(path), s));
}

const files = sourceFiles(SRC);

describe('the plugin source layering (issue 13)', () => {
  it('imports no layer above its own', () => {
    const violations: string[] = [];
    for (const file of files) {
      const forbidden = FORBIDDEN[layerOf(file)] ?? [];
      for (const target of importsOf(file)) {
        if (forbidden.includes(layerOf(target))) {
          violations.push(
            `${relative(SRC, file)} imports ${relative(SRC, target)}`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .filter(file => !isTest(file))
      .map(file => ({
        file: relative(SRC, file),
        lines: (readFileSync(file, 'utf8').match(/\n/g) ?? []).length,
      }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
