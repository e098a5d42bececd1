import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/integrations.md shows the webhook-relay example's code (and track & trace's chaining): each block must
// still be what the compiled, tested file it is quoted from says. A block quotes the last file path named before it.
const root = process.cwd();
const doc = readFileSync(join(root, 'docs/integrations.md'), 'utf8');
const FILE = /`((?:apps|libs|test)\/[\w./-]+\.ts)`/g;
const excerpts = [...doc.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((block) => {
  const named = [...doc.slice(0, block.index).matchAll(FILE)];
  return { path: named.at(-1)?.[1], code: block[1] };
});

describe('docs/integrations.md', () => {
  it('quotes each file of the example, and only real files', () => {
    const quoted = new Set(excerpts.map((e) => e.path));
    for (const file of [
      'apps/integration-worker/src/integrations/webhook-relay/relay-state-change.handler.ts',
      'apps/integration-worker/src/integrations/webhook-relay/webhook-relay.integration.ts',
      'apps/integration-worker/src/integrations/integrations.ts',
    ]) {
      expect(quoted).toContain(file);
    }
    for (const path of quoted) expect({ path, exists: existsSync(join(root, path!)) }).toEqual({ path, exists: true });
  });

  it.each(excerpts.map((e) => [e.path, e.code]))('quotes %s verbatim', (path, code) => {
    expect(readFileSync(join(root, path!), 'utf8')).toContain(code);
  });

  it('points at tests and files that exist', () => {
    const named = [...doc.matchAll(/`((?:apps|libs|test)\/[\w./-]+\.ts)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const path of named) expect({ path, exists: existsSync(join(root, path)) }).toEqual({ path, exists: true });
  });
});
