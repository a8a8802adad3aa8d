import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The image is built in CI elsewhere (no Docker here); this pins what its last stage contains.

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

function stagesOf(dockerfile: string): Stage[] {
  const stages: Stage[] = [];
  // Join continuation lines, drop comments.
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'));
  for (const line of instructions) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) {
      stages.push({ from: from[1], name: from[2], lines: [] });
    } else {
      stages[stages.length - 1].lines.push(line);
    }
  }
  return stages;
}

/** A stage's own instructions and those of the stages it is built FROM. */
function lineage(stages: Stage[], stage: Stage): string[] {
  const parent = stages.find(s => s.name === stage.from);
  return [...(parent ? lineage(stages, parent) : []), ...stage.lines];
}

describe('the backend image', () => {
  const stages = stagesOf(
    readFileSync(resolve(__dirname, '../Dockerfile'), 'utf8'),
  );
  const runtime = stages[stages.length - 1];
  const runtimeLines = lineage(stages, runtime);

  it('runs without compilers, build tools or package managers', () => {
    const installs = runtimeLines.filter(l =>
      /apt-get install|npm install/.test(l),
    );
    expect(installs).toEqual([]);
    expect(runtime.from).toMatch(/^node:\d+-bookworm-slim$/);
    expect(runtimeLines.join('\n')).not.toMatch(/\byarn\b/);
  });

  it('keeps the code read-only for the user the backend runs as', () => {
    const copies = runtime.lines.filter(l => l.startsWith('COPY'));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(copy).not.toMatch(/--chown/);
    }
    expect(runtime.lines).toContain('RUN chmod -R a-w /app');
    const users = runtime.lines.filter(l => l.startsWith('USER'));
    expect(users).toEqual(['USER node']);
    // The user switch comes after everything is in place.
    expect(runtime.lines.indexOf('USER node')).toBeGreaterThan(
      runtime.lines.indexOf('RUN chmod -R a-w /app'),
    );
  });
});
