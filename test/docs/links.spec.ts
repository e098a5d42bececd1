import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// Every relative link in README.md and docs/*.md reaches a file of the repository, and an anchor a heading of it.
const root = process.cwd();
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (file: string) =>
  new Set(
    readFileSync(file, 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  );

const links = pages.flatMap((page) =>
  [...readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ page, target })),
);

describe('links in README.md and docs/', () => {
  it('finds links to check', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it.each(links.map((l) => [l.page, l.target]))('%s → %s resolves', (page, target) => {
    const [path, anchor] = target.split('#');
    const file = path ? join(root, dirname(page), path) : join(root, page);
    expect({ target, file: relative(root, file), exists: existsSync(file) }).toEqual({ target, file: relative(root, file), exists: true });
    if (anchor) expect([...anchorsOf(file)]).toContain(anchor);
  });
});
