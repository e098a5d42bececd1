import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/plugins.md shows the builds plugin's code: each block must still be what the (compiled, tested) file says.
const root = process.cwd();
const doc = readFileSync(join(root, 'docs/plugins.md'), 'utf8');
const excerpts = [...doc.matchAll(/`([\w./-]+\.ts)`\n\n```ts\n([\s\S]*?)\n```/g)].map(([, path, code]) => ({ path, code }));

describe('docs/plugins.md', () => {
  it('shows code excerpts of real files', () => {
    expect(excerpts.length).toBeGreaterThanOrEqual(8);
    expect(doc.match(/```ts/g)).toHaveLength(excerpts.length);
  });

  it.each(excerpts.map((e) => [e.path, e.code]))('quotes %s verbatim', (path, code) => {
    expect(existsSync(join(root, path))).toBe(true);
    expect(readFileSync(join(root, path), 'utf8')).toContain(code);
  });

  it('points at tests that exist', () => {
    for (const test of ['apps/event-store/src/plugins/builds/builds.int-spec.ts', 'apps/event-store/src/projections/rebuild/rebuild.int-spec.ts']) {
      expect(existsSync(join(root, test))).toBe(true);
    }
  });
});
