// The site's own checks: every page has a title, and every local link and stylesheet resolves.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../public/', import.meta.url).pathname;
const pages = readdirSync(root, { recursive: true }).filter(f => String(f).endsWith('.html'));

describe('static site', () => {
  it('has an index page', () => assert.ok(pages.includes('index.html')));

  for (const page of pages) {
    const html = readFileSync(join(root, page), 'utf8');
    it(`${page} has a title`, () => assert.match(html, /<title>[^<]+<\/title>/));
    it(`${page} links only to pages that exist`, () => {
      for (const [, target] of html.matchAll(/(?:href|src)="([^"#?]+)"/g)) {
        if (/^[a-z]+:|^\/\//.test(target)) continue;
        const file = target.startsWith('/') ? join(root, target) : join(root, dirname(page), target);
        assert.ok(existsSync(file), `${page} links to missing ${target}`);
      }
    });
  }
});
